// A Llama model that exists only as a function: config.json and the tokenizer come from tinystories-656k, and one
// model.safetensors of BF16 weights whose bytes are computed from their position when read. Lets a test convert
// a model of several GB (offsets past 4 GiB) without the disk space or the time to write it.
import { closeSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';

// A finite BF16 value from an element index: sign and 7 mantissa bits from a hash, magnitude in [2^-7, 2).
function fillBf16(u16, firstElement) {
  for (let i = 0; i < u16.length; ++i) {
    let h = (firstElement + i) >>> 0;
    h = Math.imul(h ^ (h >>> 16), 0x45d9f3b);
    h ^= h >>> 15;
    u16[i] = (h & 0x807f) | ((0x78 + ((h >>> 8) & 7)) << 7);
  }
}

export function generatedLlama({ layers, hidden, intermediate, shared }) {
  const ts = join(shared, 'models', 'tinystories-656k');
  const config = JSON.parse(readFileSync(join(ts, 'config.json'), 'utf8'));
  Object.assign(config, { hidden_size: hidden, intermediate_size: intermediate, num_hidden_layers: layers,
                          num_attention_heads: hidden / 128, num_key_value_heads: hidden / 128, torch_dtype: 'bfloat16' });
  const V = config.vocab_size, H = hidden, I = intermediate;
  const shapes = [['model.embed_tokens.weight', [V, H]]];
  for (let l = 0; l < layers; ++l) {
    const p = `model.layers.${l}.`;
    shapes.push([p + 'input_layernorm.weight', [H]], [p + 'self_attn.q_proj.weight', [H, H]],
                [p + 'self_attn.k_proj.weight', [H, H]], [p + 'self_attn.v_proj.weight', [H, H]],
                [p + 'self_attn.o_proj.weight', [H, H]], [p + 'post_attention_layernorm.weight', [H]],
                [p + 'mlp.gate_proj.weight', [I, H]], [p + 'mlp.up_proj.weight', [I, H]],
                [p + 'mlp.down_proj.weight', [H, I]]);
  }
  shapes.push(['model.norm.weight', [H]]);
  const header = { __metadata__: { format: 'pt' } };
  let end = 0;
  for (const [name, shape] of shapes) {
    const n = shape.reduce((a, b) => a * b, 1) * 2;
    header[name] = { dtype: 'BF16', shape, data_offsets: [end, end + n] };
    end += n;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8);
  const head = Buffer.alloc(8 + json.length);
  head.writeBigUInt64LE(BigInt(json.length), 0);
  head.write(json, 8, 'latin1');
  const dataStart = head.length;

  const weights = {
    name: 'model.safetensors', size: dataStart + end,
    read(offset, view) {
      let pos = offset, done = 0;
      if (pos < dataStart) {  // header bytes
        const n = Math.min(view.length, dataStart - pos);
        view.set(head.subarray(pos, pos + n));
        pos += n; done += n;
      }
      if (done === view.length) return '';
      const rel = pos - dataStart, rest = view.subarray(done);
      if (rel % 2 === 0 && rest.byteOffset % 2 === 0 && rest.length % 2 === 0) {
        fillBf16(new Uint16Array(rest.buffer, rest.byteOffset, rest.length / 2), rel / 2);
      } else {  // odd edges: element by element through a scratch array
        const first = Math.floor(rel / 2), count = Math.ceil((rel + rest.length) / 2) - first;
        const tmp = new Uint16Array(count);
        fillBf16(tmp, first);
        rest.set(new Uint8Array(tmp.buffer, rel % 2, rest.length));
      }
      return '';
    },
  };
  const memFile = (name, bytes) => ({
    name, size: bytes.length, read(offset, view) { view.set(bytes.subarray(offset, offset + view.length)); return ''; },
  });
  const files = [memFile('config.json', Buffer.from(JSON.stringify(config))), weights];
  for (const f of ['tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json'])
    files.push(memFile(f, readFileSync(join(ts, f))));
  return { files: files.sort((a, b) => (a.name < b.name ? -1 : 1)) };
}

// Writes the model's files into `dir` (benchmarks want a real folder, e.g. for the native CLI and the browser's
// file input); returns the safetensors bytes written.
export function writeGeneratedLlama(dir, options) {
  mkdirSync(dir, { recursive: true });
  let srcBytes = 0;
  const buf = new Uint8Array(8 << 20);
  for (const f of generatedLlama(options).files) {
    const fd = openSync(join(dir, f.name), 'w');
    for (let off = 0; off < f.size; off += buf.length) {
      const view = buf.subarray(0, Math.min(buf.length, f.size - off));
      f.read(off, view);
      writeSync(fd, view);
    }
    closeSync(fd);
    if (f.name.endsWith('.safetensors')) srcBytes += f.size;
  }
  return srcBytes;
}
