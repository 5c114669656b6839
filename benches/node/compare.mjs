// Throughput of the extension's analyzer (wasm, full analysis) against two peers measured in the
// same run on the same posts, under Node: npm kuromoji (tokenize only) and npm
// lindera-wasm-nodejs-ipadic (tokenize only). Prints figures and ratios; asserts nothing about time.
//
//   node benches/node/compare.mjs [--posts 5000] [--rounds 3]
//
// The posts are the texts of the labelled corpus (tests/corpus/*/*.jsonl), repeated in order
// until there are at least --posts of them; every tool gets the same list.
import { readFileSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const arg = (name, dflt) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const wanted = arg('--posts', 5000);
const rounds = arg('--rounds', 3);

function corpusTexts() {
    const dir = join(root, 'tests', 'corpus');
    const texts = [];
    for (const part of readdirSync(dir, { withFileTypes: true })) {
        if (!part.isDirectory()) continue;
        for (const file of readdirSync(join(dir, part.name)).sort()) {
            if (!file.endsWith('.jsonl')) continue;
            for (const line of readFileSync(join(dir, part.name, file), 'utf8').split('\n')) {
                if (line.trim()) texts.push(JSON.parse(line).text);
            }
        }
    }
    return texts;
}

const distinct = corpusTexts();
const posts = [];
while (posts.length < wanted) posts.push(...distinct);
const chars = posts.reduce((n, t) => n + Array.from(t).length, 0);

/** Best of `rounds` runs of fn over all posts: seconds. */
function best(fn) {
    let min = Infinity;
    for (let r = 0; r < rounds; r++) {
        const t0 = process.hrtime.bigint();
        for (const text of posts) fn(text);
        min = Math.min(min, Number(process.hrtime.bigint() - t0) / 1e9);
    }
    return min;
}

const ms = (t0) => (Number(process.hrtime.bigint() - t0) / 1e6).toFixed(1);

// patrol (wasm, full analysis)
let t0 = process.hrtime.bigint();
const { Analyzer } = require(join(root, 'build', 'wasm', 'nodejs', 'patrol_wasm.js'));
const dict = readFileSync(join(root, 'build', 'dict', 'ipadic.pdic'));
const analyzer = new Analyzer(dict, '熊本県', 2026);
const patrolLoad = ms(t0);

// lindera-wasm-nodejs-ipadic (tokenize only; its IPADIC is embedded in its wasm)
t0 = process.hrtime.bigint();
const lindera = require('lindera-wasm-nodejs-ipadic');
const builder = new lindera.TokenizerBuilder();
builder.setDictionary('embedded://ipadic');
builder.setMode('normal');
const linderaTokenizer = builder.build();
const linderaLoad = ms(t0);

// kuromoji (tokenize only)
t0 = process.hrtime.bigint();
const kuromoji = require('kuromoji');
const kuro = await new Promise((resolve, reject) =>
    kuromoji
        .builder({ dicPath: join(root, 'node_modules', 'kuromoji', 'dict') })
        .build((err, tokenizer) => (err ? reject(err) : resolve(tokenizer))),
);
const kuroLoad = ms(t0);

const results = [
    ['patrol wasm (full analysis)', patrolLoad, best((t) => analyzer.analyze(t, '', 'x'))],
    ['lindera-wasm-nodejs-ipadic (tokenize)', linderaLoad, best((t) => linderaTokenizer.tokenize(t))],
    ['kuromoji (tokenize)', kuroLoad, best((t) => kuro.tokenize(t))],
];

console.log(`posts: ${posts.length} (${distinct.length} distinct corpus texts, repeated), ${chars} characters; best of ${rounds} rounds; node ${process.version}`);
console.log('tool'.padEnd(40) + 'load ms'.padStart(10) + 'posts/s'.padStart(12) + 'M chars/s'.padStart(12));
for (const [name, load, secs] of results) {
    console.log(
        name.padEnd(40) +
            String(load).padStart(10) +
            Math.round(posts.length / secs).toString().padStart(12) +
            (chars / secs / 1e6).toFixed(2).padStart(12),
    );
}
const [ours, lin, kur] = results.map((r) => r[2]);
console.log(`ratio: patrol full analysis is ${(kur / ours).toFixed(2)}× kuromoji's tokenize speed and ${(lin / ours).toFixed(2)}× lindera-wasm's`);
const mem = process.memoryUsage();
console.log(`node memory after all three: rss ${(mem.rss / 2 ** 20).toFixed(0)} MiB, array buffers ${(mem.arrayBuffers / 2 ** 20).toFixed(0)} MiB`);
