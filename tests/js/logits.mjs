#!/usr/bin/env node
// The raw last-token logits of a token sequence in real llama.cpp (npm node-llama-cpp, prebuilt CPU binary, never
// built or downloaded). Prints one JSON line on stdout: {"model", "arch", "ids", "n_vocab", "logits": [...]}, the
// logits of every vocabulary id in id order.
//
//   node logits.mjs MODEL.gguf --ids 1,2,3 [--threads 1] [--kv-type F32|F16]
//
// The KV cache is F32 by default (llama.cpp's default is F16): the comparison with a float64 reference should
// measure the conversion, not the cache's rounding. Flash attention is off; one thread; no BOS is added: the ids
// are evaluated exactly as given, each at the next position.
import { getLlama, LlamaLogLevel } from "node-llama-cpp";

function usage(msg) {
    if (msg) console.error(`logits.mjs: ${msg}`);
    console.error("usage: node logits.mjs MODEL.gguf --ids id,id,... [--threads T] [--kv-type F32|F16]");
    process.exit(2);
}

function parseArgs(argv) {
    const opts = { model: null, ids: null, threads: 1, kvType: "F32" };
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        const next = () => (i + 1 < argv.length ? argv[++i] : usage(`${a} needs a value`));
        if (a === "--ids") opts.ids = next().split(",").map((s) => Number.parseInt(s.trim(), 10));
        else if (a === "--threads") opts.threads = Number.parseInt(next(), 10);
        else if (a === "--kv-type") opts.kvType = next();
        else if (a === "-h" || a === "--help") usage();
        else if (a.startsWith("--")) usage(`unknown option ${a}`);
        else if (opts.model == null) opts.model = a;
        else usage(`unexpected argument ${a}`);
    }
    if (opts.model == null) usage("no model given");
    if (opts.ids == null || opts.ids.length === 0 || opts.ids.some((x) => !Number.isInteger(x) || x < 0))
        usage("--ids needs a comma-separated list of token ids");
    if (!(opts.threads > 0)) usage("--threads must be a positive integer");
    if (opts.kvType !== "F32" && opts.kvType !== "F16") usage("--kv-type must be F32 or F16");
    return opts;
}

const opts = parseArgs(process.argv.slice(2));
const llama = await getLlama({ gpu: false, build: "never", logLevel: LlamaLogLevel.error, progressLogs: false });
const model = await llama.loadModel({ modelPath: opts.model, gpuLayers: 0 });
const context = await model.createContext({
    contextSize: Math.min(Math.max(64, opts.ids.length + 8), model.trainContextSize),
    batchSize: 64,
    threads: opts.threads,
    sequences: 1,
    flashAttention: false,
    experimentalKvCacheKeyType: opts.kvType,
    experimentalKvCacheValueType: opts.kvType,
});
const sequence = context.getSequence();
const input = opts.ids.slice(0, -1);
input.push([opts.ids[opts.ids.length - 1], { generateNext: { logits: true } }]);
const out = await sequence.controlledEvaluate(input);
const last = out[opts.ids.length - 1];
if (last?.next?.logits == null) {
    console.error("logits.mjs: llama.cpp returned no logits for the last token");
    process.exit(1);
}
const map = last.next.logits;
let maxId = -1;
for (const id of map.keys()) maxId = Math.max(maxId, id);
const logits = new Array(maxId + 1).fill(null);
for (const [id, v] of map) logits[id] = v;
console.log(JSON.stringify({
    model: opts.model,
    arch: model.fileInfo.metadata?.general?.architecture ?? null,
    ids: opts.ids,
    n_vocab: logits.length,
    logits,
}));
await context.dispose();
await model.dispose();
await llama.dispose();
