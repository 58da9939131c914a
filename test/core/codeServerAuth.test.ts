// The sandbox's VS Code gives a shell: it must not open for someone who lacks the printed password.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCodeServer, type CodeServer } from '../runner/codeServer';

interface Answer {
  status: number;
  location?: string;
  cookie?: string;
}

function http(url: string, init: { method?: string; body?: string; cookie?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: init.method ?? 'GET',
        headers: {
          ...(init.body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
          ...(init.cookie ? { cookie: init.cookie } : {}),
        },
      },
      (res) => {
        res.resume();
        const setCookie = res.headers['set-cookie']?.map((c) => c.split(';')[0]).join('; ');
        resolve({ status: res.statusCode ?? 0, location: res.headers.location, cookie: setCookie });
      },
    );
    req.once('error', reject);
    req.end(init.body);
  });
}

describe('Sandbox code-server authentication', function () {
  this.timeout(90_000);
  let server: CodeServer;
  let folder: string;
  const password = 'kw-test-password-123';

  before(async () => {
    folder = mkdtempSync(join(tmpdir(), 'kw-cs-auth-'));
    server = await startCodeServer({ workspaceFolder: folder, password });
  });
  after(async () => {
    await server?.stop();
    rmSync(folder, { recursive: true, force: true });
  });

  it('sends a visitor without the password to the login page, refuses a wrong one, and opens with the right one', async () => {
    const anonymous = await http(server.url);
    assert.equal(anonymous.status, 302);
    assert.match(anonymous.location ?? '', /login/);

    const wrong = await http(`${server.url}login`, { method: 'POST', body: 'password=not-it' });
    assert.equal(wrong.cookie, undefined, 'a wrong password gets no session cookie');

    const right = await http(`${server.url}login`, { method: 'POST', body: `password=${encodeURIComponent(password)}` });
    assert.ok(right.cookie, 'the right password gets a session cookie');
    // Signed in, the root either serves the workbench or redirects to the folder, never to the login.
    const opened = await http(`${server.url}?folder=${encodeURIComponent(folder)}`, { cookie: right.cookie });
    assert.equal(opened.status, 200, `signed in, the workbench opens (got ${opened.status} → ${opened.location})`);
    const again = await http(`${server.url}?folder=${encodeURIComponent(folder)}`);
    assert.equal(again.status, 302, 'without the cookie the same page still asks for the password');
  });
});
