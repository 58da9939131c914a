import * as assert from 'node:assert/strict';
import { BufferSearcher } from '../../src/core/consume/search/bufferSearch';
import { compileQuery, regexLiteral, requiredText, type SearchRecord } from '../../src/core/consume/search/match';
import { hasRegex, parseQuery, QuerySyntaxError } from '../../src/core/consume/search/query';

function rec(n: number, over: Partial<SearchRecord> = {}): SearchRecord {
  return {
    partition: n % 3,
    offset: String(n),
    timestamp: Date.UTC(2024, 4, 1) + n * 1000,
    key: `key-${n}`,
    value: JSON.stringify({ n, status: n % 2 ? 'paid' : 'open', customer: { id: n } }),
    headers: n % 5 === 0 ? [{ key: 'trace-id', value: `t${n}` }] : [],
    ...over,
  };
}

const records = Array.from({ length: 100 }, (_, n) => rec(n));
const big = rec(100, { value: '{"customer":{"id":9007199254740993},"status":"x"}' });

function find(query: string, list: SearchRecord[] = [...records, big]): string[] {
  const m = compileQuery(parseQuery(query));
  return list.filter(m).map((r) => r.offset);
}

function syntaxError(query: string): QuerySyntaxError {
  try {
    parseQuery(query);
  } catch (e) {
    assert.ok(e instanceof QuerySyntaxError, String(e));
    return e;
  }
  assert.fail(`"${query}" parsed`);
}

describe('Search predicates (syntax, evaluation, worker with a time budget)', function () {
  this.timeout(30_000);

  it('text, regex, key:, value:, header:, partition:, offset and timestamp terms, combined with AND / OR / NOT and parentheses', () => {
    assert.deepEqual(find('key-42'), ['42']);
    assert.deepEqual(find('"key-4" AND /-4[5-6]$/'), ['45', '46']);
    assert.deepEqual(find('key:/^key-9\\d$/ partition:0'), ['90', '93', '96', '99']);
    assert.deepEqual(find('header:trace-id=t1'), ['10', '15', '100'], 'the header value contains the text');
    assert.deepEqual(find('header:trace-id=/^t10$/'), ['10']);
    assert.deepEqual(find('header:trace-id offset>=80 offset<100'), ['80', '85', '90', '95']);
    assert.deepEqual(find('key:key-1 OR key:key-2 AND partition:2'), ['1', '2', '20', '23', '26', '29', '10', '11', '12', '13', '14', '15', '16', '17', '18', '19', '100'].sort((a, b) => Number(a) - Number(b)));
    assert.deepEqual(find('(key:key-1 OR key:key-2) AND partition:2 AND NOT value:paid'), ['2', '14', '20', '26']);
    assert.deepEqual(find('timestamp>=2024-05-01T00:01:38Z timestamp<1714521700000'), ['98', '99']);
    assert.deepEqual(find('/KEY-7/i value:"open"'), ['70', '72', '74', '76', '78']);
    assert.deepEqual(find(''), [...records, big].map((r) => r.offset), 'an empty search matches everything');
  });

  it('JSON path comparisons, exact for big integers; a value that is not JSON simply does not match', () => {
    assert.deepEqual(find('$.customer.id == 42'), ['42']);
    assert.deepEqual(find('$.customer.id == 9007199254740993'), ['100']);
    assert.deepEqual(find('$.customer.id == 9007199254740992'), [], 'not rounded to a double');
    assert.deepEqual(find('$.customer.id > 97'), ['98', '99', '100']);
    assert.deepEqual(find('$.status != "paid" AND $["n"] < 5'), ['0', '2', '4']);
    assert.deepEqual(find('$.customer', [rec(1), rec(2, { value: 'not json' }), rec(3, { value: '{"customer":null}' })]), ['1']);
    assert.equal(hasRegex(parseQuery('$.a == 1 key:x')), false);
    assert.equal(hasRegex(parseQuery('a OR header:h=/x/')), true);
  });

  it('the text a topic search may require of every record batch (its prefilter) is only what every match must contain', () => {
    assert.equal(requiredText(parseQuery('partition:1 AND needle')), 'needle');
    assert.equal(requiredText(parseQuery('a OR b')), undefined);
    assert.equal(requiredText(parseQuery('NOT abc')), undefined);
    assert.equal(requiredText(parseQuery('header:trace-id')), 'trace-id');
    assert.equal(regexLiteral('needle-\\d+-found', ''), 'needle-');
    assert.equal(regexLiteral('^abcd?e$', ''), 'abc');
    assert.equal(regexLiteral('x[abc]yz', ''), undefined);
    assert.equal(regexLiteral('hello', 'i'), undefined, 'case-insensitive: no byte prefilter');
    assert.equal(regexLiteral('(foo|bar)baz', ''), undefined);
    assert.equal(regexLiteral('ab\\.cdef{2}', ''), 'cde');
    for (const [source, text] of [['needle-\\d+-found', 'a needle-12-found b'], ['^abcd?e$', 'abce'], ['ab\\.cdef{2}', 'ab.cdeff']]) {
      const literal = regexLiteral(source, '')!;
      assert.ok(new RegExp(source).test(text) && text.includes(literal), `${source} matches ${text}, which contains ${literal}`);
    }
  });

  it('a search that does not parse says where and what to write instead', () => {
    const cases: [string, number, RegExp][] = [
      ['/(unclosed/', 0, /Invalid regular expression \/\(unclosed\/: .*at character 1/],
      ['a /abc', 2, /not closed: end it with \//],
      ['$.a = 1', 4, /Compare with "=="/],
      ['$.a == nope', 7, /"nope" is not a JSON value: write a number, "quoted text", true, false or null/],
      ['$..a == 1', 2, /needs a name after "\."/],
      ['partition:x', 10, /partition:3 or partition:0,2/],
      ['offset>=ten', 8, /not an offset/],
      ['(a OR b', 0, /not closed: add "\)"/],
      ['a )', 2, /closes nothing/],
      ['key:', 4, /key: needs text after it/],
      ['"open', 0, /quote is not closed/],
      ['a AND', 5, /ends where a term is expected/],
      ['timestamp>yesterday', 10, /not a time/],
    ];
    for (const [query, position, message] of cases) {
      const e = syntaxError(query);
      assert.equal(e.position, position, `${query}: ${e.message}`);
      assert.match(e.message, message, query);
    }
  });

  describe('in a worker thread', () => {
    const searcher = new BufferSearcher();
    after(() => searcher.dispose());

    it('returns the seqs of the matching records', async () => {
      const result = await searcher.search('$.customer.id >= 98', records.map((r, i) => [1000 + i, r] as [number, SearchRecord]), { chunkSize: 7 });
      assert.equal(result.status, 'done');
      assert.deepEqual(result.matches, [1098, 1099]);
      assert.equal(result.scanned, 100);
    });

    it('(a+)+$ against 30 KB of "a"s is stopped at its time budget and reported, while the main event loop keeps ticking; the next search works', async () => {
      const evil = [[0, rec(0, { value: `${'a'.repeat(30_000)}!` })] as [number, SearchRecord]];
      let ticks = 0;
      let longestGap = 0;
      let last = performance.now();
      const ticker = setInterval(() => {
        const now = performance.now();
        longestGap = Math.max(longestGap, now - last);
        last = now;
        ticks++;
      }, 10);
      try {
        const result = await searcher.search('/(a+)+$/', evil, { budgetMs: 1_000 });
        assert.equal(result.status, 'timeout');
        if (result.status === 'timeout') assert.match(result.message, /stopped after 1000 ms.*Simplify the pattern/);
        assert.ok(result.elapsedMs >= 1_000 && result.elapsedMs < 3_000, `${result.elapsedMs} ms`);
      } finally {
        clearInterval(ticker);
      }
      assert.ok(ticks >= 50, `the event loop ticked ${ticks} times in ~1 s`);
      assert.ok(longestGap < 250, `longest gap between ticks ${Math.round(longestGap)} ms`);
      const after = await searcher.search('key-3', [[7, rec(3)]]);
      assert.deepEqual(after.matches, [7]);
    });

    it('a cancelled search stops; a bad search throws with its position before any work', async () => {
      const controller = new AbortController();
      const evil = [[0, rec(0, { value: `${'a'.repeat(30_000)}!` })] as [number, SearchRecord]];
      const pending = searcher.search('/(a+)+$/', evil, { signal: controller.signal, budgetMs: 10_000 });
      setTimeout(() => controller.abort(), 100);
      assert.equal((await pending).status, 'cancelled');
      await assert.rejects(searcher.search('$.a ==', []), QuerySyntaxError);
    });
  });
});
