#!/usr/bin/env node
// Greedy continuation from [BOS] in real llama.cpp (npm node-llama-cpp, prebuilt CPU binary, never built or
// downloaded). Prints one JSON line on stdout: {"model", "n", "ids", "text"}.
//
//   node generate.mjs MODEL.gguf [--n 40] [--threads 1] [--margins] [--expect 147,201,...]
//
// --margins: also output "margins": for each generated position, ln(p1/p2) = the logit gap between the chosen
// token and the runner-up. A small gap is where another conversion's rounding could flip the argmax.
// --expect: compare with reference ids, print "k/N ids match" on stderr and exit 1 unless all match.
// Uses the low-level sequence API: no chat wrapper, no prompt template, temperature 0 (llama.cpp's greedy
// sampler: argmax of the logits), no repeat penalty, no grammar.
import { getLlama, LlamaLogLevel } from "node-llama-cpp";

function usage(msg) {
    if (msg) console.error(`generate.mjs: ${msg}`);
    console.error("usage: node generate.mjs MODEL.gguf [--n N] [--threads T] [--margins] [--expect id,id,...]");
    process.exit(2);
}

function parseArgs(argv) {
    const opts = { model: null, n: 40, threads: 1, expect: null, margins: false };
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        const next = () => (i + 1 < argv.length ? argv[++i] : usage(`${a} needs a value`));
        if (a === "--n") opts.n = Number.parseInt(next(), 10);
        else if (a === "--threads") opts.threads = Number.parseInt(next(), 10);
        else if (a === "--expect") opts.expect = next().split(",").map((s) => Number.parseInt(s.trim(), 10));
        else if (a === "--margins") opts.margins = true;
        else if (a === "-h" || a === "--help") usage();
        else if (a.startsWith("--")) usage(`unknown option ${a}`);
        else if (opts.model == null) opts.model = a;
        else usage(`unexpected argument ${a}`);
    }
    if (opts.model == null) usage("no model given");
    if (!(opts.n > 0)) usage("--n must be a positive integer");
    if (!(opts.threads > 0)) usage("--threads must be a positive integer");
    return opts;
}

const opts = parseArgs(process.argv.slice(2));

// build: "never" -> only the prebuilt @node-llama-cpp/linux-x64 binary is used; nothing is compiled or fetched.
const llama = await getLlama({ gpu: false, build: "never", logLevel: LlamaLogLevel.error, progressLogs: false });
const model = await llama.loadModel({ modelPath: opts.model, gpuLayers: 0 });
const bos = model.tokens.bos;
if (bos == null) {
    console.error("generate.mjs: the model has no BOS token");
    process.exit(1);
}
const context = await model.createContext({
    contextSize: Math.min(Math.max(64, opts.n + 8), model.trainContextSize),
    batchSize: 64,
    threads: opts.threads,
    sequences: 1,
});
const sequence = context.getSequence();

const ids = [];
const margins = [];
if (opts.margins) {
    // probabilities = softmax of the raw logits (temperature 0 only selects the greedy sampler)
    for await (const out of sequence.evaluateWithMetadata([bos], { probabilities: true }, { temperature: 0 })) {
        ids.push(out.token);
        let p1 = 0, p2 = 0;
        for (const p of out.probabilities.values()) {
            if (p > p1) { p2 = p1; p1 = p; } else if (p > p2) p2 = p;
        }
        margins.push(p2 > 0 ? Number(Math.log(p1 / p2).toFixed(4)) : null);
        if (ids.length >= opts.n) break;
    }
} else {
    for await (const token of sequence.evaluate([bos], { temperature: 0 })) {
        ids.push(token);
        if (ids.length >= opts.n) break;
    }
}
const text = model.detokenize(ids);
console.log(JSON.stringify({ model: opts.model, n: opts.n, ids, text, ...(opts.margins ? { margins } : {}) }));

let status = 0;
if (opts.expect != null) {
    const total = opts.expect.length;
    let k = 0;
    for (let i = 0; i < total; i++) if (ids[i] === opts.expect[i]) k++;
    let firstDiff = -1;
    for (let i = 0; i < total; i++) if (ids[i] !== opts.expect[i]) { firstDiff = i; break; }
    console.error(`${k}/${total} ids match` + (firstDiff >= 0 ? ` (first difference at position ${firstDiff})` : ""));
    if (k !== total) status = 1;
}

await context.dispose();
await model.dispose();
await llama.dispose();
process.exit(status);
