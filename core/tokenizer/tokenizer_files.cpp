#include "core/tokenizer/tokenizer_files.h"

namespace gs {

namespace {
constexpr uint64_t kMaxTemplateBytes = 16ull << 20;
}  // namespace

TokenizerFiles read_tokenizer_files(const Folder& folder) {
    TokenizerFiles f;
    f.tokenizer_json = read_json_file(folder, "tokenizer.json");
    f.tokenizer_config = read_json_file(folder, "tokenizer_config.json");
    f.special_tokens_map = read_json_file(folder, "special_tokens_map.json");
    f.added_tokens = read_json_file(folder, "added_tokens.json");
    f.chat_template_json = read_json_file(folder, "chat_template.json");
    if (folder.has("chat_template.jinja")) {
        auto r = folder.open("chat_template.jinja");
        f.chat_template_jinja = read_text(*r, kMaxTemplateBytes);
        f.has_chat_template_jinja = true;
    }
    return f;
}

}  // namespace gs
