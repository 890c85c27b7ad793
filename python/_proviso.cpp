// The Python extension `proviso._proviso` (pybind11): the C++ API (include/proviso/proviso.hpp)
// with JSON text at the boundary. The package around it (python/proviso/__init__.py) turns
// records into JSON and results into Python values. Batch calls release the GIL.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <string>
#include <vector>

#include <proviso/proviso.hpp>

namespace py = pybind11;

namespace {

// Raised (as proviso.CompileError) when a policy does not compile; carries the diagnostics.
struct CompileFailure {
  std::string text;
};

class PyPolicy {
 public:
  explicit PyPolicy(proviso::Policy p) : policy_(std::move(p)) {}

  py::dict info() const {
    const proviso::PolicyInfo& i = policy_.info();
    py::dict d;
    d["path"] = i.path;
    d["name"] = i.name;
    d["title"] = i.title;
    d["version"] = i.version;
    d["effective"] = i.effective;
    d["engine"] = policy_.engine() == proviso::EngineKind::Jit ? "jit" : "interpreter";
    py::list inputs, decisions;
    for (const auto& in : i.inputs) inputs.append(py::make_tuple(in.name, in.type, in.optional));
    for (const auto& x : i.decisions) decisions.append(py::make_tuple(x.name, x.type, x.clause));
    d["inputs"] = inputs;
    d["decisions"] = decisions;
    return d;
  }

  // One input; the JSON line `proviso eval` prints and, with explain, the readable text.
  py::tuple evaluate_json(const std::string& json, bool explain) const {
    proviso::Evaluation e;
    {
      py::gil_scoped_release unlocked;
      e = session(explain).evaluate_json(json);
    }
    return py::make_tuple(e.ok, e.json, e.explanation);
  }

  // Many inputs, in order, without the GIL.
  std::vector<std::string> evaluate_json_many(const std::vector<std::string>& inputs) const {
    std::vector<std::string> out(inputs.size());
    py::gil_scoped_release unlocked;
    proviso::Session s = session(false);
    for (size_t i = 0; i < inputs.size(); ++i) out[i] = s.evaluate_json(inputs[i]).json;
    return out;
  }

  // NDJSON bytes in, NDJSON bytes out (blank lines skipped), without the GIL. The input is
  // decoded where it lies (bytes are immutable and held by the caller): each line in place
  // when the parser's padding fits before the end of the buffer, else from a copy.
  py::bytes evaluate_ndjson(const py::bytes& data) const {
    char* buffer = nullptr;
    Py_ssize_t size = 0;
    if (PyBytes_AsStringAndSize(data.ptr(), &buffer, &size) != 0) throw py::error_already_set();
    std::string_view text(buffer, static_cast<size_t>(size));
    std::string out;
    {
      py::gil_scoped_release unlocked;
      proviso::Session s = session(false);
      constexpr size_t kPadding = 64;  // the JSON parser's (records/decode.h, kJsonPadding)
      size_t start = 0;
      while (start < text.size()) {
        size_t nl = text.find('\n', start);
        size_t end = nl == std::string_view::npos ? text.size() : nl;
        std::string_view line = text.substr(start, end - start);
        if (line.find_first_not_of(" \t\r") != std::string_view::npos) {
          size_t capacity = text.size() - start;
          out += capacity >= line.size() + kPadding ? s.evaluate_json_padded(line, capacity).json
                                                    : s.evaluate_json(line).json;
          out += '\n';
        }
        start = end + 1;
      }
    }
    return py::bytes(out);
  }

 private:
  proviso::Session session(bool explain) const {
    proviso::EvalOptions o;
    o.explain = explain;
    auto s = policy_.session(o);
    if (!s.ok()) throw std::runtime_error(s.error());
    return std::move(s.value());
  }

  proviso::Policy policy_;
};

proviso::Engine engine_for(const std::string& engine) {
  proviso::EngineOptions o;
  if (engine == "jit")
    o.engine = proviso::EngineKind::Jit;
  else if (engine == "interpreter")
    o.engine = proviso::EngineKind::Interpreter;
  else if (engine == "auto")
    o.engine = proviso::EngineKind::Auto;
  else
    throw py::value_error("engine must be \"auto\", \"jit\" or \"interpreter\", not \"" + engine + "\"");
  return proviso::Engine(o);
}

PyPolicy finish(proviso::Result<proviso::Policy> r) {
  if (!r.ok()) {
    std::string text;
    for (const auto& d : r.diagnostics())
      if (d.severity == proviso::PolicyDiagnostic::Severity::Error) text += d.rendered;
    throw CompileFailure{text.empty() ? r.error() : text};
  }
  return PyPolicy(std::move(r.value()));
}

}  // namespace

PYBIND11_MODULE(_proviso, m) {
  m.doc() = "Proviso's engine (use the `proviso` package, not this module)";
  static py::exception<CompileFailure> compile_error(m, "CompileError");
  // pybind11 takes a function pointer whose parameter is by value.
  py::register_exception_translator([](std::exception_ptr p) {  // NOLINT(performance-unnecessary-value-param)
    try {
      if (p) std::rethrow_exception(p);
    } catch (const CompileFailure& e) {
      compile_error(e.text.c_str());
    }
  });
  py::class_<PyPolicy>(m, "Policy")
      .def("info", &PyPolicy::info)
      .def("evaluate_json", &PyPolicy::evaluate_json, py::arg("json"), py::arg("explain") = false)
      .def("evaluate_json_many", &PyPolicy::evaluate_json_many)
      .def("evaluate_ndjson", &PyPolicy::evaluate_ndjson);
  m.def(
      "compile_file",
      [](const std::string& path, const std::string& engine) {
        proviso::Engine e = engine_for(engine);
        proviso::Result<proviso::Policy> r = [&] {
          py::gil_scoped_release unlocked;
          return e.compile_file(path);
        }();
        return finish(std::move(r));
      },
      py::arg("path"), py::arg("engine") = "auto");
  m.def(
      "compile_text",
      [](const std::string& text, const std::string& name, const std::string& engine) {
        proviso::Engine e = engine_for(engine);
        proviso::Result<proviso::Policy> r = [&] {
          py::gil_scoped_release unlocked;
          return e.compile_text(text, name);
        }();
        return finish(std::move(r));
      },
      py::arg("text"), py::arg("name") = "<text>", py::arg("engine") = "auto");
}
