// BatchStream (server/batch.h): an NDJSON body cut into lines whatever the reads' boundaries,
// lines over the limit answered once and skipped, and a stop that ends the batch.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "server/batch.h"

using proviso::server::BatchStream;

namespace {

struct Seen {
  size_t number;
  std::string text;
  bool too_long;
};

struct Recorder {
  std::vector<Seen> lines;
  size_t calls = 0;
  bool padded = true;  // every line had the parser's padding readable after it
  size_t stop_at = 0;  // answer false for the read holding this line number (0: never)

  BatchStream stream(size_t max_line) {
    return BatchStream(max_line, [this](const std::vector<BatchStream::Line>& got, std::string* out) {
      ++calls;
      bool go_on = true;
      for (const BatchStream::Line& l : got) {
        padded = padded && l.capacity >= l.text.size() + BatchStream::kPadding;
        lines.push_back({l.number, std::string(l.text), l.too_long});
        *out += std::to_string(l.number) + "\n";
        go_on = go_on && l.number != stop_at;
      }
      return go_on;
    });
  }
};

bool feed(BatchStream& s, const std::string& bytes, std::string* out) {
  return s.feed(bytes.data(), bytes.size(), out);
}

}  // namespace

TEST_CASE("a batch's lines are found whatever the reads cut", "[batch]") {
  const std::string body = "{\"a\":1}\n\n{\"b\":22}\r\n{\"c\":333}";
  for (size_t cut = 1; cut <= body.size(); ++cut) {
    Recorder r;
    BatchStream s = r.stream(1024);
    std::string out;
    for (size_t at = 0; at < body.size(); at += cut) REQUIRE(feed(s, body.substr(at, cut), &out));
    REQUIRE(s.finish(true, &out));
    REQUIRE(r.lines.size() == 4);
    if (cut == body.size()) CHECK(r.calls == 2);  // three complete lines at once, then the last
    CHECK(r.lines[0].text == "{\"a\":1}");
    CHECK(r.lines[1].text.empty());  // a blank line is a line: the caller skips it
    CHECK(r.lines[2].text == "{\"b\":22}\r");
    CHECK(r.lines[3].text == "{\"c\":333}");  // the last, without a newline
    for (size_t i = 0; i < r.lines.size(); ++i) CHECK(r.lines[i].number == i + 1);
    CHECK(out == "1\n2\n3\n4\n");
    CHECK(r.padded);
  }
}

TEST_CASE("a line over the limit is answered once, in its place, and skipped", "[batch]") {
  Recorder r;
  BatchStream s = r.stream(4);
  std::string out;
  REQUIRE(feed(s, "ok\n123", &out));
  CHECK(r.calls == 1);
  REQUIRE(feed(s, "45678", &out));  // over the limit now: answered before its end arrives
  REQUIRE(feed(s, "9012\nfine\n", &out));
  REQUIRE(feed(s, "toolong", &out));
  REQUIRE(s.finish(true, &out));
  REQUIRE(r.lines.size() == 4);
  CHECK((r.lines[0].text == "ok" && !r.lines[0].too_long && r.lines[0].number == 1));
  CHECK((r.lines[1].text.empty() && r.lines[1].too_long && r.lines[1].number == 2));
  CHECK((r.lines[2].text == "fine" && !r.lines[2].too_long && r.lines[2].number == 3));
  CHECK((r.lines[3].too_long && r.lines[3].number == 4));  // the last line, unterminated, too long
  CHECK(out == "1\n2\n3\n4\n");
}

TEST_CASE("a line's answer of false stops the batch", "[batch]") {
  Recorder r;
  r.stop_at = 2;
  BatchStream s = r.stream(64);
  std::string out;
  CHECK_FALSE(feed(s, "a\nb\nc\n", &out));
  CHECK(r.lines.size() == 3);  // handed over together
  CHECK_FALSE(feed(s, "d\n", &out));
  CHECK_FALSE(s.finish(true, &out));
  CHECK(r.lines.size() == 3);  // nothing after the stop
  CHECK(r.calls == 1);
}

TEST_CASE("a body that breaks off does not finish the batch", "[batch]") {
  Recorder r;
  BatchStream s = r.stream(64);
  std::string out;
  REQUIRE(feed(s, "a\nunfinished", &out));
  CHECK_FALSE(s.finish(false, &out));
  REQUIRE(r.lines.size() == 1);  // the part line is not evaluated
  CHECK(out == "1\n");
}
