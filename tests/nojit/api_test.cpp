// The C++ API in a build without the JIT (PROVISO_ENABLE_JIT=OFF; built and run only there):
// Auto and Interpreter evaluate on the interpreter without a note, Jit is a one-line error, and
// tests run on the interpreter (with Jit alone, each fails saying why).
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <proviso/proviso.hpp>

using namespace proviso;

namespace {

const char* kNoJit = "this build of Proviso has no JIT (PROVISO_ENABLE_JIT=OFF)";

const char* kSmall = R"(policy t.small "Small"
input x {
  a: integer 1..10
}
decision doubled: integer  clause "1" = x.a * 2
test "three"
  given x = { a: 3 }
  expect doubled = 6
)";

EngineOptions options(EngineKind kind, std::vector<Note>* notes) {
  EngineOptions o;
  o.engine = kind;
  o.on_note = [notes](const Note& n) { notes->push_back(n); };
  return o;
}

}  // namespace

TEST_CASE("Auto and Interpreter evaluate on the interpreter without a note") {
  for (EngineKind kind : {EngineKind::Auto, EngineKind::Interpreter}) {
    std::vector<Note> notes;
    auto compiled = Engine(options(kind, &notes)).compile_text(kSmall, "small.policy");
    REQUIRE(compiled.ok());
    CHECK(compiled.value().engine() == EngineKind::Interpreter);
    CHECK(notes.empty());
    auto session = compiled.value().session();
    REQUIRE(session.ok());
    CHECK(session.value().evaluate_json(R"({"x": {"a": 7}})").json == R"({"decisions":{"doubled":14}})");
  }
}

TEST_CASE("Jit is an error saying the build has no JIT") {
  std::vector<Note> notes;
  auto compiled = Engine(options(EngineKind::Jit, &notes)).compile_text(kSmall, "small.policy");
  REQUIRE_FALSE(compiled.ok());
  CHECK(compiled.error() == kNoJit);
  CHECK(compiled.diagnostics().empty());
  CHECK(notes.empty());
}

TEST_CASE("tests run on the interpreter") {
  std::vector<Note> notes;
  auto compiled = Engine(options(EngineKind::Interpreter, &notes)).compile_text(kSmall, "small.policy");
  REQUIRE(compiled.ok());
  const Policy& policy = compiled.value();

  TestReport both = policy.run_tests(TestEngines::Both, options(EngineKind::Auto, &notes));
  CHECK(both.passed == 1);
  CHECK(both.failed == 0);
  CHECK(notes.empty());

  // Both engines with the JIT asked for explicitly: the interpreter alone, and a note says why.
  both = policy.run_tests(TestEngines::Both, options(EngineKind::Jit, &notes));
  CHECK(both.passed == 1);
  REQUIRE(notes.size() == 1);
  CHECK(notes[0].kind == Note::Kind::Interpreter);
  CHECK(notes[0].message == kNoJit);

  TestReport jit = policy.run_tests(TestEngines::Jit, options(EngineKind::Auto, &notes));
  CHECK(jit.passed == 0);
  REQUIRE(jit.failed == 1);
  CHECK(jit.outcomes[0].problem == kNoJit);
  CHECK(jit.failures_text().find(kNoJit) != std::string::npos);
}
