// Java key and trust stores (PKCS12 and JKS) read into PEM in memory, so a team's
// client.truststore.jks / client.keystore.p12 work as they are: nothing converted is written to disk.
//   PKCS12: node-forge (PBES2/AES and the legacy RC2/3DES ciphers; SHA-1 and SHA-2 MACs).
//   JKS:    the small parser below, after the format Sun's JavaKeyStore writes (see readJks).
// Layer-1 core: no `vscode`, no kafkajs.
import { createHash } from 'node:crypto';
import forge from 'node-forge';
import { KafkaWorkbenchError } from '../kafka/errors';

/** What a store holds, as PEM text. */
export interface KeystoreEntries {
  /**
   * Private-key entries: alias, PKCS#8 PEM key, and its certificate chain (leaf first). The key is
   * decrypted on demand: a JKS store's keys may each have their own password, and only the chosen
   * one needs to open.
   */
  keys: { alias: string; keyPem: () => string; chainPem: string[] }[];
  /** Trusted-certificate entries. */
  trusted: { alias: string; certPem: string }[];
}

/** Client material picked from a key store for Node's TLS options. */
export interface ClientMaterial {
  key: string;
  cert: string;
  alias: string;
}

function pem(label: string, der: Buffer): string {
  const b64 = der.toString('base64').replace(/.{1,64}/g, '$&\n');
  return `-----BEGIN ${label}-----\n${b64}-----END ${label}-----\n`;
}

function badInput(message: string): never {
  throw new KafkaWorkbenchError(message, 'invalid-input');
}

/** Reads a PKCS12 or JKS store with its password. Wrong passwords and damaged files are said plainly. */
export function readKeystore(data: Buffer, type: 'PKCS12' | 'JKS', password: string, file: string, keyPassword?: string): KeystoreEntries {
  // keytool has made PKCS12 by default since Java 9, whatever the file is called, and Java's JKS
  // loader reads both: so do we, going by the content rather than the declared type.
  const actual = sniffKeystoreType(data);
  if (actual === 'PEM') badInput(`${file} is a PEM file, not a ${type} store: choose PEM for it.`);
  if (actual === undefined && data.length >= 4 && data.readUInt32BE(0) === 0xcececece) {
    badInput(`${file} is a JCEKS store, which is not supported: convert it with keytool -importkeystore -deststoretype PKCS12.`);
  }
  if (actual === 'JKS' || (actual === undefined && type === 'JKS')) return readJks(data, password, file, keyPassword);
  return readPkcs12(data, password, file);
}

/** Guesses the type from the first bytes: JKS starts with FEEDFEED, PKCS12 is a DER SEQUENCE. */
export function sniffKeystoreType(data: Buffer): 'PKCS12' | 'JKS' | 'PEM' | undefined {
  if (data.length >= 4 && data.readUInt32BE(0) === 0xfeedfeed) return 'JKS';
  if (data.length >= 4 && data.readUInt32BE(0) === 0xcececece) return undefined; // JCEKS: not supported
  if (data.subarray(0, 64).toString('latin1').includes('-----BEGIN')) return 'PEM';
  if (data[0] === 0x30) return 'PKCS12';
  return undefined;
}

function readPkcs12(data: Buffer, password: string, file: string): KeystoreEntries {
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    const asn1 = forge.asn1.fromDer(forge.util.createBuffer(data.toString('binary')));
    p12 = forge.pkcs12.pkcs12FromAsn1(asn1, false, password);
  } catch (e) {
    const message = (e as Error).message;
    if (/Invalid password|wrong password|MAC could not be verified/i.test(message)) {
      badInput(`The password of the PKCS12 store ${file} is wrong: enter the store password with "Kafka: Edit Connection".`);
    }
    if (/unsupported/i.test(message)) badInput(`The PKCS12 store ${file} uses something this reader does not support (${message}).`);
    badInput(`${file} is not a readable PKCS12 store (${message}): check the file and its type (PKCS12, JKS or PEM).`);
  }
  const entries: KeystoreEntries = { keys: [], trusted: [] };
  const keyBags: { id?: string; alias?: string; keyPem: string }[] = [];
  const certBags: { id?: string; alias?: string; certPem: string }[] = [];
  const idOf = (bag: forge.pkcs12.Bag) => {
    const id = bag.attributes.localKeyId?.[0] as string | undefined;
    return id ? forge.util.bytesToHex(id) : undefined;
  };
  for (const safe of p12.safeContents) {
    for (const bag of safe.safeBags) {
      const alias = (bag.attributes.friendlyName?.[0] as string | undefined) ?? undefined;
      if (bag.type === forge.pki.oids.pkcs8ShroudedKeyBag || bag.type === forge.pki.oids.keyBag) {
        // RSA keys come parsed; others (EC) as ASN.1. Either way out as PKCS#8 "PRIVATE KEY".
        const asn1 = bag.key ? forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(bag.key)) : (bag as { asn1?: forge.asn1.Asn1 }).asn1;
        if (!asn1) continue;
        keyBags.push({ id: idOf(bag), alias, keyPem: pem('PRIVATE KEY', Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary')) });
      } else if (bag.type === forge.pki.oids.certBag) {
        const asn1 = bag.cert ? forge.pki.certificateToAsn1(bag.cert) : (bag as { asn1?: forge.asn1.Asn1 }).asn1;
        if (!asn1) continue;
        // A certificate with a localKeyId belongs to a key; one without is a CA (trust entry or chain).
        certBags.push({ id: idOf(bag), alias, certPem: pem('CERTIFICATE', Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary')) });
      }
    }
  }
  for (const [i, key] of keyBags.entries()) {
    const own = certBags.filter((c) => key.id !== undefined && c.id === key.id);
    // The chain's other certificates carry no key id; they follow the leaf in the file.
    const rest = certBags.filter((c) => c.id === undefined);
    const keyPem = key.keyPem;
    entries.keys.push({ alias: key.alias ?? own[0]?.alias ?? String(i + 1), keyPem: () => keyPem, chainPem: [...own, ...rest].map((c) => c.certPem) });
  }
  for (const [i, cert] of certBags.entries()) {
    if (cert.id === undefined || keyBags.length === 0) entries.trusted.push({ alias: cert.alias ?? String(i + 1), certPem: cert.certPem });
  }
  return entries;
}

// JKS, as sun.security.provider.JavaKeyStore writes it (big-endian throughout):
//   u32 magic FEEDFEED, u32 version (1 or 2), u32 entry count, then per entry
//   u32 tag (1 private key, 2 trusted certificate), UTF alias, u64 timestamp, and
//     tag 1: u32 length + EncryptedPrivateKeyInfo (Sun's KeyProtector), u32 chain length, certificates
//     tag 2: one certificate
//   a certificate is (version 2 only) UTF type "X.509", then u32 length + DER.
//   The file ends with SHA-1(password as UTF-16BE || "Mighty Aphrodite" || everything before): a
//   mismatch means a wrong store password (or a damaged file).
// KeyProtector: data = salt(20) || key XOR stream || check(20); stream = SHA-1(pw || salt),
//   SHA-1(pw || previous)...; check = SHA-1(pw || plain key) tells a wrong key password.
function readJks(data: Buffer, password: string, file: string, keyPassword?: string): KeystoreEntries {
  let pos = 0;
  const need = (n: number) => {
    if (pos + n > data.length) badInput(`${file} is cut short: it is not a complete JKS store.`);
  };
  const u32 = () => {
    need(4);
    const v = data.readUInt32BE(pos);
    pos += 4;
    return v;
  };
  const bytes = (n: number) => {
    need(n);
    const b = data.subarray(pos, pos + n);
    pos += n;
    return b;
  };
  const utf = () => {
    need(2);
    const n = data.readUInt16BE(pos);
    pos += 2;
    return bytes(n).toString('utf8'); // modified UTF-8: the same as UTF-8 for aliases in practice
  };
  const storePw = Buffer.from(password, 'utf16le').swap16();
  if (data.length < 32 || data.readUInt32BE(0) !== 0xfeedfeed) badInput(`${file} is not a JKS store (no FEEDFEED header): check its type.`);
  const digest = createHash('sha1').update(storePw).update('Mighty Aphrodite', 'utf8').update(data.subarray(0, data.length - 20)).digest();
  if (!digest.equals(data.subarray(data.length - 20))) {
    badInput(`The password of the JKS store ${file} is wrong (or the file is damaged): enter the store password with "Kafka: Edit Connection".`);
  }
  pos = 4;
  const version = u32();
  if (version !== 1 && version !== 2) badInput(`${file} is JKS version ${version}, which this reader does not know.`);
  const count = u32();
  const cert = () => {
    if (version === 2) {
      const type = utf();
      if (type !== 'X.509') badInput(`${file} holds a ${type} certificate; only X.509 is supported.`);
    }
    return pem('CERTIFICATE', bytes(u32()));
  };
  const entries: KeystoreEntries = { keys: [], trusted: [] };
  for (let i = 0; i < count; i++) {
    const tag = u32();
    const alias = utf();
    bytes(8); // timestamp
    if (tag === 1) {
      const protectedKey = bytes(u32());
      const chain: string[] = [];
      for (let n = u32(); n > 0; n--) chain.push(cert());
      // Java's convention: a key's password is the store's unless ssl.key.password says otherwise.
      const keyPem = () => {
        const tries = [...new Set([keyPassword, password].filter((p): p is string => p !== undefined))];
        for (const pw of tries) {
          const plain = unprotectJksKey(protectedKey, pw, alias, file);
          if (plain) return pem('PRIVATE KEY', plain);
        }
        badInput(`The key password of "${alias}" in ${file} is wrong: set the key password (ssl.key.password) with "Kafka: Edit Connection".`);
      };
      entries.keys.push({ alias, keyPem, chainPem: chain });
    } else if (tag === 2) {
      entries.trusted.push({ alias, certPem: cert() });
    } else {
      badInput(`${file} has an entry of kind ${tag} (a secret key?), which cannot be used for TLS.`);
    }
  }
  return entries;
}

/** The PKCS#8 key, or undefined when the password does not open it. */
function unprotectJksKey(encryptedInfo: Buffer, password: string, alias: string, file: string): Buffer | undefined {
  // EncryptedPrivateKeyInfo ::= SEQUENCE { AlgorithmIdentifier, OCTET STRING encryptedData }
  const asn1 = forge.asn1.fromDer(forge.util.createBuffer(encryptedInfo.toString('binary')));
  const seq = asn1.value as forge.asn1.Asn1[];
  const oid = forge.asn1.derToOid((seq[0].value as forge.asn1.Asn1[])[0].value as string);
  if (oid !== '1.3.6.1.4.1.42.2.17.1.1') badInput(`The key "${alias}" in ${file} is protected with ${oid}, not JKS's own scheme: convert the store to PKCS12 with keytool -importkeystore.`);
  const encrypted = Buffer.from(seq[1].value as string, 'binary');
  const pw = Buffer.from(password, 'utf16le').swap16();
  const salt = encrypted.subarray(0, 20);
  const body = encrypted.subarray(20, encrypted.length - 20);
  const check = encrypted.subarray(encrypted.length - 20);
  const plain = Buffer.alloc(body.length);
  let digest: Buffer = salt;
  for (let off = 0; off < body.length; off += 20) {
    digest = createHash('sha1').update(pw).update(digest).digest();
    for (let j = 0; j < 20 && off + j < body.length; j++) plain[off + j] = body[off + j] ^ digest[j];
  }
  return createHash('sha1').update(pw).update(plain).digest().equals(check) ? plain : undefined;
}

/** Picks the client key from a key store: the named alias, or the only key there is. */
export function clientMaterial(entries: KeystoreEntries, file: string, alias?: string): ClientMaterial {
  if (entries.keys.length === 0) badInput(`The key store ${file} holds no private key: a client key store needs the client's key and certificate.`);
  const names = entries.keys.map((k) => k.alias);
  let entry = entries.keys[0];
  if (alias) {
    const found = entries.keys.find((k) => k.alias.toLowerCase() === alias.toLowerCase());
    if (!found) badInput(`The key store ${file} has no key named "${alias}"; it has: ${names.join(', ')}. Fix the alias with "Kafka: Edit Connection".`);
    entry = found;
  } else if (entries.keys.length > 1) {
    badInput(`The key store ${file} holds ${entries.keys.length} keys (${names.join(', ')}): name the alias to use with "Kafka: Edit Connection".`);
  }
  if (entry.chainPem.length === 0) badInput(`The key "${entry.alias}" in ${file} has no certificate.`);
  return { key: entry.keyPem(), cert: entry.chainPem.join(''), alias: entry.alias };
}

/** The CA certificates of a trust store, as one PEM bundle. */
export function trustedCertificates(entries: KeystoreEntries, file: string): string {
  const certs = entries.trusted.map((t) => t.certPem);
  if (certs.length === 0) {
    // A store with only key entries: trust their chains' last certificates (the issuing CA).
    for (const k of entries.keys) if (k.chainPem.length > 1) certs.push(k.chainPem[k.chainPem.length - 1]);
  }
  if (certs.length === 0) badInput(`The trust store ${file} holds no certificate to trust.`);
  return certs.join('');
}
