#include "tokenizer/detokenizer.h"

namespace tern {

Detokenizer::Detokenizer(const Tokenizer * tokenizer, DetokenizeOptions options)
    : tok_(tokenizer), options_(options), at_start_(!options.continuation) {}

std::string Detokenizer::push(int32_t id) {
    if (!tok_ || id < 0 || id >= tok_->n_tokens()) return std::string();
    if (tok_->kind() != TokenizerKind::spm) return utf8_.push(tok_->token_bytes(id, options_));

    std::string out;
    const TokenType type = tok_->token_type(id);
    if (type == TokenType::byte) {
        bytes_ += tok_->token_bytes(id);
        bytes_.erase(0, spm_decode_bytes(bytes_, false, out));
        at_start_ = false;
        return out;
    }
    // Any other token ends a byte run: what is left of it is invalid.
    spm_decode_bytes(bytes_, true, out);
    bytes_.clear();
    if (type == TokenType::control) return out;
    std::string piece = tok_->token_bytes(id, options_);
    if (type == TokenType::user_defined && piece.empty()) return out;  // skipped
    if (at_start_ && type != TokenType::unknown && tok_->token_text(id).compare(0, kSpmSpace.size(), kSpmSpace) == 0) {
        piece.erase(0, 1);  // the dummy prefix
    }
    at_start_ = false;
    return out + piece;
}

std::string Detokenizer::flush() {
    std::string out;
    if (tok_ && tok_->kind() == TokenizerKind::spm) {
        spm_decode_bytes(bytes_, true, out);
        bytes_.clear();
        at_start_ = !options_.continuation;
        return out;
    }
    return utf8_.flush();
}

}  // namespace tern
