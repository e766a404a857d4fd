#include <csignal>
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "core/error.h"
#include "native/cli.h"

namespace {
const char* kUsageText =
    "usage: ggufsmith convert PATH [-o OUT.gguf] [-t TYPE | --profile FILE.json] [--dry-run] [--quiet]\n"
    "                 [--token-embedding-type T] [--output-tensor-type T] [--tensor-type REGEX=T]...\n"
    "                 [--pure] [--leave-output-tensor] [--force-arch HF_CLASS]\n"
    "                 [--vocab-only] [--tokenizer-pre NAME] [--imatrix FILE] [-j THREADS]\n"
    "                 [--split-max-size N[K|M|G]] [--split-max-tensors N]\n"
    "       TYPE: F32 F16 BF16, a llama-quantize type (Q8_0 Q4_K_M Q6_K IQ4_XS ...) or a profile (Q4_K_L ...)\n"
    "       ggufsmith inspect PATH [--json]\n"
    "PATH is a Hugging Face model folder (config.json + *.safetensors + tokenizer files), a .safetensors file,\n"
    "or (inspect) a .gguf file. See docs/cli.md.\n";
}

int main(int argc, char** argv) {
    // Past a file size limit (ulimit -f) write() then fails with EFBIG, which is reported and cleaned up like a
    // full disk, instead of SIGXFSZ killing the process and leaving its temporary output behind.
    std::signal(SIGXFSZ, SIG_IGN);
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty() || args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
        std::fputs(kUsageText, args.empty() ? stderr : stdout);
        return args.empty() ? gs::cli::kUsage : gs::cli::kOk;
    }
    if (args[0] == "--version") {
        std::puts("ggufsmith 0.1.0");
        return 0;
    }
    const std::string cmd = args[0];
    args.erase(args.begin());
    try {
        if (cmd == "convert") return gs::cli::run_convert(args);
        if (cmd == "inspect") return gs::cli::run_inspect(args);
        throw gs::cli::UsageError{"unknown command '" + cmd + "'"};
    } catch (const gs::cli::UsageError& e) {
        std::fprintf(stderr, "ggufsmith: %s\n%s", e.message.c_str(), kUsageText);
        return gs::cli::kUsage;
    } catch (const gs::Error& e) {
        std::fprintf(stderr, "ggufsmith: error: %s\n", e.what());
        return gs::cli::kBadInput;
    } catch (const std::bad_alloc&) {
        std::fprintf(stderr, "ggufsmith: error: out of memory\n");
        return gs::cli::kBadInput;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "ggufsmith: error: %s\n", e.what());
        return gs::cli::kBadInput;
    }
}
