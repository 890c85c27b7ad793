// Input files for `eval` and `bench`.
#include "tools/inputs.h"

#include <algorithm>

#include "tools/cli.h"

namespace proviso::cli {

records::DecodeResult InputSet::decode(size_t i) {
  if (yaml_) return yaml_results_[i];
  const records::InputText& part = parts_[i];
  if (part.error) {
    records::DecodeResult r;
    r.error = part.error;
    return r;
  }
  return decoder_->decode_json(part.text, text_.capacity_from(part.text.data()));
}

bool load_inputs(const ir::Program& program, const std::string& path, const std::string& format, InputSet* out) {
  std::string text, error;
  if (!read_file(path, &text, &error)) {
    print_error(error);
    return false;
  }
  auto ends_with = [&](std::string_view suffix) {
    return path.size() >= suffix.size() && path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  out->decoder_ = std::make_unique<records::Decoder>(program);
  out->yaml_ = format == "yaml" || (format == "auto" && (ends_with(".yaml") || ends_with(".yml")));
  if (out->yaml_) {
    out->yaml_results_ = out->decoder_->decode_yaml(text);
    return true;
  }
  out->text_ = records::PaddedText::copy_of(text);
  out->parts_ = records::split_json_inputs(out->text_.view(), out->decoder_->limits());
  return true;
}

}  // namespace proviso::cli
