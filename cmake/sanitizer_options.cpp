// Linked into every executable of a GGUFSMITH_SANITIZE build: the sanitizers' defaults, so that any report ends the
// process with SIGABRT even when it is started without ASAN_OPTIONS/UBSAN_OPTIONS (tests start the CLI from
// scripts). Exit code 1 would not do: it is the CLI's own "bad input" code, which tests expect. Settings in the
// environment variables still override these.
extern "C" {
const char* __asan_default_options() { return "abort_on_error=1:halt_on_error=1:detect_leaks=1"; }
const char* __ubsan_default_options() { return "abort_on_error=1:halt_on_error=1:print_stacktrace=1"; }
}
