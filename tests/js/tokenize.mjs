#!/usr/bin/env node
// Tokenization parity: real llama.cpp (npm node-llama-cpp, prebuilt) on a GGUF vs Hugging Face's tokenizer
// (@huggingface/tokenizers, the JS port of `tokenizers`) on the tokenizer.json + tokenizer_config.json the GGUF
// was made from.
//
//   node tokenize.mjs MODEL.gguf HF_MODEL_DIR [--corpus FILE.json] [--random N] [--seed S] [--vocab-probe]
//                     [--vocab-only] [--max-show N] [--json] [STRING ...]
//
// --vocab-probe adds the text of every vocabulary token that is not an added token (byte-level tokens decoded from
// GPT-2's byte alphabet, skipped when not valid UTF-8; "\u2581" as space; <0xNN> byte tokens skipped): each must
// tokenize the same in both, which exercises every merge path and the pre-tokenizer on every script in the vocabulary.
// --vocab-only loads the GGUF without tensors (llama.cpp's vocab_only), enough for tokenizing.
// Results are counted per group (checks, corpus, random, vocab); --max-show limits the mismatches printed per group.
//
// Strings: the given ones, else the JSON array in --corpus (default: corpus-tinystories.json beside this file).
// --random N adds N pseudo-random strings (fixed seed, default 1): 1-12 random vocabulary tokens glued together
// ("\u2581" as space; special, byte and unrepresentable tokens left out). They stress the places where
// llama.cpp's SPM merging (best score among adjacent pairs whose concatenation is a token) could pick a
// different split than BPE (only listed merges, by rank).
//
// What is compared (like with like):
// - llama.cpp: model.tokenize(text, true) = common_tokenize(vocab, text, add_special=false, parse_special=true):
//   no BOS/EOS added; special-token text (CONTROL / USER_DEFINED / UNKNOWN tokens) in the text is matched.
// - HF: tokenizer.encode(text, {add_special_tokens: false}): no BOS from the post-processor either.
// - Text with no added-token text in it: the two must be identical.
// - Text that contains an added token's text (e.g. "<|start_story|>"): the two libraries define the split
//   differently, so the whole-text HF result is shown for information only. HF matches added tokens whose
//   `normalized` flag is true AFTER normalization, against the normalized token text (with this tokenizer's
//   Prepend("▁") normalizer that is "▁<|start_story|>", so "a<|start_story|>b" does not match at all), and does not
//   re-prepend "▁" to the text that follows. llama.cpp matches the raw token text anywhere and treats every text
//   fragment between special tokens as a fresh start (space prefix added again). The reference for such text is
//   therefore llama.cpp's documented semantics built from HF pieces: split the raw text at added-token texts
//   (longest first, as llama.cpp's tokenizer_st_partition does), HF-encode each fragment on its own, and put the
//   added tokens' ids in between. That still checks that the GGUF marks those tokens as special and that every
//   fragment's BPE matches HF.
// Also checked: BOS/EOS ids and whether BOS is added (tokenizer.ggml.add_bos_token vs tokenizer_config.json).
//
// Strings with a character the vocabulary cannot represent (no single-char token and no <0xNN> byte tokens) are
// skipped and reported: llama.cpp aborts the whole process (std::out_of_range) on them.
//
// Exit status: 0 if every compared string and check is identical, 1 otherwise, 2 on usage errors.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Tokenizer } from "@huggingface/tokenizers";
import { getLlama, LlamaLogLevel } from "node-llama-cpp";

const here = path.dirname(fileURLToPath(import.meta.url));

function usage(msg) {
    if (msg) console.error(`tokenize.mjs: ${msg}`);
    console.error("usage: node tokenize.mjs MODEL.gguf HF_MODEL_DIR [--corpus FILE.json] [--json] [STRING ...]");
    process.exit(2);
}

const opts = {
    model: null, hfDir: null, corpus: path.join(here, "corpus-tinystories.json"), json: false, strings: [],
    random: 0, seed: 1, vocabProbe: false, vocabOnly: false, maxShow: Infinity,
};
{
    const argv = process.argv.slice(2);
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        if (a === "--corpus") opts.corpus = i + 1 < argv.length ? argv[++i] : usage("--corpus needs a value");
        else if (a === "--json") opts.json = true;
        else if (a === "--vocab-probe") opts.vocabProbe = true;
        else if (a === "--vocab-only") opts.vocabOnly = true;
        else if (a === "--max-show") opts.maxShow = Number.parseInt(i + 1 < argv.length ? argv[++i] : usage("--max-show needs a value"), 10);
        else if (a === "--random") opts.random = Number.parseInt(i + 1 < argv.length ? argv[++i] : usage("--random needs a value"), 10);
        else if (a === "--seed") opts.seed = Number.parseInt(i + 1 < argv.length ? argv[++i] : usage("--seed needs a value"), 10);
        else if (a === "-h" || a === "--help") usage();
        else if (a.startsWith("--")) usage(`unknown option ${a}`);
        else if (opts.model == null) opts.model = a;
        else if (opts.hfDir == null) opts.hfDir = a;
        else opts.strings.push(a);
    }
    if (opts.model == null || opts.hfDir == null) usage("MODEL.gguf and HF_MODEL_DIR are required");
    if (!(opts.random >= 0) || !Number.isFinite(opts.seed)) usage("--random and --seed take integers");
}
const strings = opts.strings.length > 0 ? opts.strings : JSON.parse(fs.readFileSync(opts.corpus, "utf8"));

// ---- Hugging Face side
const tokenizerJson = JSON.parse(fs.readFileSync(path.join(opts.hfDir, "tokenizer.json"), "utf8"));
const configPath = path.join(opts.hfDir, "tokenizer_config.json");
const tokenizerConfig = fs.existsSync(configPath) ? JSON.parse(fs.readFileSync(configPath, "utf8")) : {};
const hf = new Tokenizer(tokenizerJson, tokenizerConfig);
const hfVocab = tokenizerJson.model?.vocab ?? {};
const addedTokens = (tokenizerJson.added_tokens ?? []).map((t) => ({ content: t.content, id: t.id }));
const addedByLength = [...addedTokens].sort((a, b) => b.content.length - a.content.length);
const hfIdToToken = new Map();
for (const [tok, id] of Object.entries(hfVocab)) hfIdToToken.set(id, tok);
for (const t of addedTokens) hfIdToToken.set(t.id, t.content);

const hfEncode = (text) => (text === "" ? [] : Array.from(hf.encode(text, { add_special_tokens: false }).ids));

// Characters the vocabulary can represent without byte tokens. A byte-level BPE vocabulary represents every byte.
const hasStep = (node, type) => node != null && (node.type === type ||
    (node.pretokenizers ?? node.decoders ?? []).some((x) => hasStep(x, type)));
const byteLevel = tokenizerJson.model?.type === "BPE" && !tokenizerJson.model?.byte_fallback &&
    (hasStep(tokenizerJson.pre_tokenizer, "ByteLevel") || hasStep(tokenizerJson.decoder, "ByteLevel"));
const hasByteTokens = byteLevel || Object.prototype.hasOwnProperty.call(hfVocab, "<0x41>");
const singleChars = new Set();
for (const tok of Object.keys(hfVocab)) {
    const cps = Array.from(tok);
    if (cps.length === 1) singleChars.add(cps[0] === "\u2581" ? " " : cps[0]);
}
function unrepresentable(text) {
    if (hasByteTokens) return [];
    let rest = text;
    for (const t of addedByLength) rest = rest.split(t.content).join("");
    return [...new Set(Array.from(rest).filter((c) => !singleChars.has(c)))];
}

// Deterministic pseudo-random strings made of vocabulary tokens (mulberry32 PRNG).
function randomStrings(count, seed) {
    let state = seed >>> 0;
    const rand = () => {
        state = (state + 0x6d2b79f5) >>> 0;
        let t = state;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const pool = Object.keys(hfVocab)
        .filter((t) => !addedTokens.some((a) => t.includes(a.content)) && !/^<0x[0-9A-F]{2}>$/.test(t))
        .sort()
        .map((t) => t.replaceAll("\u2581", " "))
        .filter((t) => t !== "" && unrepresentable(t).length === 0);
    const out = [];
    for (let i = 0; i < count; i++) {
        const n = 1 + Math.floor(rand() * 12);
        let s = "";
        for (let j = 0; j < n; j++) s += pool[Math.floor(rand() * pool.length)];
        out.push(s);
    }
    return out;
}

// GPT-2's byte-to-unicode alphabet, reversed: the bytes a byte-level token stands for.
const byteOfChar = new Map();
{
    const printable = [];
    for (let b = 0x21; b <= 0x7e; b++) printable.push(b);
    for (let b = 0xa1; b <= 0xac; b++) printable.push(b);
    for (let b = 0xae; b <= 0xff; b++) printable.push(b);
    let extra = 0;
    for (let b = 0; b < 256; b++) {
        const cp = printable.includes(b) ? b : 256 + extra++;
        byteOfChar.set(String.fromCodePoint(cp), b);
    }
}
const utf8 = new TextDecoder("utf-8", { fatal: true });
// The text of every model-vocabulary token that is not an added token, as the probe strings.
function vocabTexts() {
    const added = new Set(addedTokens.map((t) => t.content));
    const out = [];
    for (const tok of Object.keys(hfVocab).sort((a, b) => hfVocab[a] - hfVocab[b])) {
        if (added.has(tok) || /^<0x[0-9A-F]{2}>$/.test(tok)) continue;
        let text;
        if (byteLevel) {
            const bytes = Array.from(tok).map((c) => byteOfChar.get(c));
            if (bytes.some((b) => b === undefined)) continue;
            try { text = utf8.decode(Uint8Array.from(bytes)); } catch { continue; }
        } else {
            text = tok.replaceAll("\u2581", " ");
        }
        if (text !== "") out.push(text);
    }
    return out;
}

// llama.cpp's tokenizer_st_partition, for HF pieces: split raw text at added-token texts, longest token first.
function segmentwise(text) {
    let fragments = [{ text }];
    for (const t of addedByLength) {
        const next = [];
        for (const f of fragments) {
            if (f.id !== undefined) { next.push(f); continue; }
            const parts = f.text.split(t.content);
            parts.forEach((p, i) => {
                if (i > 0) next.push({ id: t.id });
                if (p !== "") next.push({ text: p });
            });
        }
        fragments = next;
    }
    return fragments.flatMap((f) => (f.id !== undefined ? [f.id] : hfEncode(f.text)));
}

// ---- llama.cpp side
const llama = await getLlama({ gpu: false, build: "never", logLevel: LlamaLogLevel.error, progressLogs: false });
const model = await llama.loadModel({ modelPath: opts.model, gpuLayers: 0, vocabOnly: opts.vocabOnly });

const work = strings.map((text) => ({ text, group: "corpus" }));
for (const text of opts.random > 0 ? randomStrings(opts.random, opts.seed) : []) work.push({ text, group: "random" });
for (const text of opts.vocabProbe ? vocabTexts() : []) work.push({ text, group: "vocab" });
const groups = {};
const tally = (group, ok) => {
    groups[group] ??= { identical: 0, total: 0 };
    groups[group].total++;
    if (ok) groups[group].identical++;
};

const same = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
const show = (ids) => JSON.stringify(ids.map((id) => hfIdToToken.get(id) ?? `#${id}`));

let identical = 0;
let compared = 0;
const mismatches = [];
const skipped = [];
const infoDiffs = [];

// Metadata checks
const checks = [];
const hfIdOf = (v) => {
    const s = typeof v === "string" ? v : v?.content;
    if (s == null) return null;
    const a = addedTokens.find((t) => t.content === s);
    return a ? a.id : (hfVocab[s] ?? null);
};
if (tokenizerConfig.bos_token != null) checks.push(["BOS id", model.tokens.bos, hfIdOf(tokenizerConfig.bos_token)]);
if (tokenizerConfig.eos_token != null) checks.push(["EOS id", model.tokens.eos, hfIdOf(tokenizerConfig.eos_token)]);
{
    // HF adds BOS iff the post-processor puts a special token before the sequence; compare with llama.cpp's flag.
    const withSpecial = Array.from(hf.encode("a", { add_special_tokens: true }).ids);
    const hfAddsBos = model.tokens.bos != null && withSpecial[0] === model.tokens.bos;
    checks.push(["adds BOS", model.tokens.shouldPrependBosToken, hfAddsBos]);
}
for (const [name, got, want] of checks) {
    compared++;
    tally("checks", got === want);
    if (got === want) identical++;
    else mismatches.push({ kind: "check", name, llama: got, hf: want });
}

for (const { text, group } of work) {
    const bad = unrepresentable(text);
    if (bad.length > 0) { skipped.push({ text, chars: bad }); continue; }
    const hasAdded = addedTokens.some((t) => text.includes(t.content));
    const lc = Array.from(model.tokenize(text, true));
    const whole = hfEncode(text);
    const ref = hasAdded ? segmentwise(text) : whole;
    compared++;
    tally(group, same(lc, ref));
    if (same(lc, ref)) identical++;
    else mismatches.push({ kind: hasAdded ? "segmentwise" : "text", group, text, llama: lc, hf: ref });
    if (hasAdded && !same(lc, whole)) infoDiffs.push({ text, llama: lc, hfWhole: whole });
}

if (opts.json) {
    console.log(JSON.stringify({ identical, total: compared, groups, mismatches, skipped, specialTextDiffs: infoDiffs }));
} else {
    for (const [name, got, want] of checks) console.log(`check ${name}: llama.cpp ${got}, HF ${want}${got === want ? "" : "  MISMATCH"}`);
    const shown = {};
    for (const m of mismatches) {
        if (m.kind === "check") continue;
        shown[m.group] = (shown[m.group] ?? 0) + 1;
        if (shown[m.group] > opts.maxShow) continue;
        console.log(`MISMATCH (${m.kind}) ${JSON.stringify(m.text)}`);
        console.log(`  llama.cpp: ${JSON.stringify(m.llama)} ${show(m.llama)}`);
        console.log(`  HF:        ${JSON.stringify(m.hf)} ${show(m.hf)}`);
    }
    for (const s of skipped) console.log(`SKIPPED ${JSON.stringify(s.text)}: no token for ${JSON.stringify(s.chars)}`);
    if (infoDiffs.length > 0) {
        console.log(`info: ${infoDiffs.length} string(s) with special-token text where llama.cpp differs from HF's ` +
            "whole-text encoding (expected, see header comment):");
        for (const d of infoDiffs) {
            console.log(`  ${JSON.stringify(d.text)}`);
            console.log(`    llama.cpp: ${JSON.stringify(d.llama)} ${show(d.llama)}`);
            console.log(`    HF whole:  ${JSON.stringify(d.hfWhole)} ${show(d.hfWhole)}`);
        }
    }
    for (const [g, c] of Object.entries(groups)) console.log(`  ${g}: ${c.identical}/${c.total} identical`);
    console.log(`tokenize: ${identical}/${compared} identical` + (skipped.length ? `, ${skipped.length} skipped` : ""));
}

await model.dispose();
await llama.dispose();
process.exit(identical === compared ? 0 : 1);
