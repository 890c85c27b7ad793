// YamlSplitter: where a YAML stream is cut into documents (table of edge cases, each also fed
// a byte at a time and in uneven chunks), documents over the limit, and linear cost.
#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <vector>

#include "compiler/records/yaml_stream.h"

using proviso::records::Limits;
using proviso::records::YamlDocument;
using proviso::records::YamlSplitter;

namespace {

// "line:text" per document, or "line:!message" for a refused one.
std::vector<std::string> drain(YamlSplitter& s) {
  std::vector<std::string> out;
  YamlDocument doc;
  while (s.next(&doc))
    out.push_back(std::to_string(doc.line) + ":" + (doc.error ? "!" + doc.error->message : doc.text));
  return out;
}

std::vector<std::string> split(std::string_view text, size_t chunk, const Limits& limits = {}) {
  YamlSplitter s(limits);
  std::vector<std::string> out;
  for (size_t at = 0; at < text.size(); at += chunk) {
    s.feed(text.substr(at, chunk));
    for (auto& d : drain(s)) out.push_back(std::move(d));
  }
  s.finish();
  for (auto& d : drain(s)) out.push_back(std::move(d));
  return out;
}

// Whole, a byte at a time, and in chunks of 2, 3 and 7 bytes: always the same documents.
std::vector<std::string> split_all_ways(std::string_view text, const Limits& limits = {}) {
  std::vector<std::string> whole = split(text, text.size() + 1, limits);
  for (size_t chunk : {1, 2, 3, 7}) {
    INFO("chunks of " << chunk);
    CHECK(split(text, chunk, limits) == whole);
  }
  return whole;
}

using Docs = std::vector<std::string>;

}  // namespace

TEST_CASE("YAML splitting: where documents start and end") {
  struct Case {
    std::string stream;
    Docs docs;
  };
  std::vector<Case> cases = {
      {"", {}},
      {"# only a comment\n\n", {}},
      {"a: 1\nb: 2\n", {"1:a: 1\nb: 2\n"}},
      {"a: 1", {"1:a: 1"}},
      // comments and blank lines before a document are left out; after its content, kept
      {"# head\n\na: 1\n# tail\n", {"3:a: 1\n# tail\n"}},
      {"---\na: 1\n", {"1:---\na: 1\n"}},
      {"a: 1\n---\nb: 2\n", {"1:a: 1\n", "2:---\nb: 2\n"}},
      {"# c\n---\na: 1\n", {"2:---\na: 1\n"}},
      {"a: 1\n...\n", {"1:a: 1\n...\n"}},
      {"a: 1\n...\n# c\n...\n", {"1:a: 1\n...\n"}},
      {"...\n", {}},
      // after `...`, a bare document may follow (YAML 1.2)
      {"a: 1\n...\nb: 2\n", {"1:a: 1\n...\n", "3:b: 2\n"}},
      {"--- {a: 1}\n--- {b: 2}\n", {"1:--- {a: 1}\n", "2:--- {b: 2}\n"}},
      {"---\n---\n", {"1:---\n", "2:---\n"}},
      {"a: 1\n---\n", {"1:a: 1\n", "2:---\n"}},
      {"---", {"1:---"}},
      {"--- |\n  text\n--- >\n  folded\n", {"1:--- |\n  text\n", "3:--- >\n  folded\n"}},
      // directives belong to the document their `---` starts
      {"%YAML 1.2\n---\na: 1\n...\n%YAML 1.2\n# c\n---\nb: 2\n",
       {"1:%YAML 1.2\n---\na: 1\n...\n", "5:%YAML 1.2\n# c\n---\nb: 2\n"}},
      // directives with no document are no document
      {"%YAML 1.2\n", {}},
      {"%YAML 1.2\n...\na: 1\n", {"3:a: 1\n"}},
      // only `---` or `...` then a blank, a break or the end is a marker
      {"---x: 1\n----\n--\n", {"1:---x: 1\n----\n--\n"}},
      {"a: 1\n--- \nb: 2\n---\tc\n", {"1:a: 1\n", "2:--- \nb: 2\n", "4:---\tc\n"}},
      {"a: >\n  text\n ---\n", {"1:a: >\n  text\n ---\n"}},
      // a marker inside a quoted scalar ends the document there: YAML forbids it, libyaml and
      // yaml-cpp refuse it (`found unexpected document indicator`)
      {"a: \"x\n---\ny\"\n", {"1:a: \"x\n", "2:---\ny\"\n"}},
      // line breaks: \r\n and \r as well as \n
      {"a: 1\r\n---\r\nb: 2\r\n", {"1:a: 1\r\n", "2:---\r\nb: 2\r\n"}},
      {"a: 1\r---\rb: 2\r", {"1:a: 1\r", "2:---\rb: 2\r"}},
      {"a: 1\r\n...\r\n\r\nb: 2", {"1:a: 1\r\n...\r\n", "4:b: 2"}},
      // a byte order mark at the start of the stream is dropped
      {"\xEF\xBB\xBF---\na: 1\n", {"1:---\na: 1\n"}},
      {"\xEF\xBB\xBF", {}},
      {"\xEF\xBBx: 1\n", {"1:\xEF\xBBx: 1\n"}},
  };
  for (const auto& c : cases) {
    INFO(c.stream);
    CHECK(split_all_ways(c.stream) == c.docs);
  }
}

TEST_CASE("YAML splitting: a document over the limit is refused alone and not buffered") {
  Limits limits;
  limits.max_input_bytes = 64;
  std::string big = "b: " + std::string(100, 'x') + "\n";
  CHECK(split_all_ways("a: 1\n---\n" + big + big + "---\nc: 3\n", limits) ==
        Docs{"1:a: 1\n", "2:!document at line 2 is larger than 64 bytes", "5:---\nc: 3\n"});
  // ended by `...`: what follows is a new document
  CHECK(split_all_ways(big + "...\nc: 3\n", limits) ==
        Docs{"1:!document at line 1 is larger than 64 bytes", "3:c: 3\n"});
  // the limit counts the whole text of the document, its `...` included
  std::string exact = "a: " + std::string(56, 'x') + "\n...\n";
  REQUIRE(exact.size() == 64);
  CHECK(split_all_ways(exact, limits) == Docs{"1:" + exact});
  CHECK(split_all_ways("a: " + std::string(57, 'x') + "\n...\n", limits) ==
        Docs{"1:!document at line 1 is larger than 64 bytes"});
  limits.max_input_bytes = 3u << 20;
  CHECK(split("a: " + std::string(4u << 20, 'x'), 1u << 16, limits) ==
        Docs{"1:!document at line 1 is larger than 3 MiB"});

  // At most the limit is held, however the bytes come.
  limits.max_input_bytes = 1u << 20;
  YamlSplitter s(limits);
  std::string line = "- " + std::string(1000, 'y') + "\n";
  size_t most = 0;
  s.feed("---\nlist:\n");
  for (int i = 0; i < 5000; ++i) {
    s.feed(line);
    most = std::max(most, s.buffered());
  }
  s.feed("---\nc: 3\n");
  s.finish();
  CHECK(most <= limits.max_input_bytes);
  CHECK(drain(s) == Docs{"1:!document at line 1 is larger than 1 MiB", "5003:---\nc: 3\n"});
}

TEST_CASE("YAML splitting costs the same per byte however the stream is chunked") {
  // 200,000 small documents in 3-byte chunks, and one 16 MiB line a byte at a time: a splitter
  // that rescanned its buffer per chunk would take minutes.
  std::string stream;
  for (int i = 0; i < 200000; ++i) stream += "---\ncase: {n: " + std::to_string(i) + "}\n";
  auto start = std::chrono::steady_clock::now();
  YamlSplitter s;
  size_t docs = 0;
  YamlDocument doc;
  for (size_t at = 0; at < stream.size(); at += 3) {
    s.feed(std::string_view(stream).substr(at, 3));
    while (s.next(&doc)) ++docs;
  }
  s.finish();
  while (s.next(&doc)) ++docs;
  CHECK(docs == 200000);
  CHECK(doc.text == "---\ncase: {n: 199999}\n");
  CHECK(doc.line == 399999);

  std::string long_line = "a: " + std::string(16u << 20, 'z') + "\n";
  YamlSplitter one;
  for (char c : long_line) one.feed(std::string_view(&c, 1));
  one.finish();
  REQUIRE(one.next(&doc));
  CHECK(doc.text.size() == long_line.size());
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK(seconds < 20);
}
