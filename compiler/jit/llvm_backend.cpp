// The JIT's LLVM part (backend.h): the host's target, the IR pipeline and the code generator
// (compile_object), and LLJIT, which links what Proviso's own loader declines. Built into a
// static library for the programs that link it, and into libproviso-llvm.so, the module the
// `proviso` command loads when it first needs it.
#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <optional>

#include <fmt/format.h>
#include <llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h>
#include <llvm/ExecutionEngine/Orc/LLJIT.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/LegacyPassManager.h>
#include <llvm/Passes/PassBuilder.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/TargetParser/Host.h>
#include <llvm/Transforms/Scalar/EarlyCSE.h>
#include <llvm/Transforms/Scalar/SROA.h>
#include <llvm/Transforms/Scalar/SimplifyCFG.h>

#include "compiler/jit/backend.h"
#include "compiler/jit/codegen.h"

namespace proviso::jit {

namespace {

const char* tier_name(Tier t) { return t == Tier::Quick ? "quick tier" : "optimised"; }

// The process-wide JIT: the host's target, and LLVM's linker (LLJIT), set up on first use
// (orc()): objects Proviso's own loader takes (elf_object.h) never need it. Compiling happens
// outside it (compile_object), on whichever thread asks. Never destroyed (policies may be
// unloaded during static destruction).
class Engine {
 public:
  static Engine* get(std::string* error) {
    static std::once_flag once;
    static Engine* engine = nullptr;
    static std::string failure;
    std::call_once(once, [] {
      auto* e = new Engine();
      std::string why = e->init();
      if (why.empty())
        engine = e;
      else
        failure = why;
    });
    if (!engine) *error = failure;
    return engine;
  }

  // LLVM's linker, set up on the first call: "" or why it could not be.
  std::string orc() {
    std::call_once(orc_once_, [this] { orc_failure_ = init_orc(); });
    return orc_failure_;
  }

  std::mutex mu;  // serialises linking, loading and unloading policies
  std::string triple, cpu, features;
  uint64_t next_id = 0;
  // Read-only after init(): each compilation copies the builder to make its own target machine.
  std::optional<llvm::orc::JITTargetMachineBuilder> machine;
  std::optional<llvm::DataLayout> data_layout;
  // After orc() succeeded:
  std::unique_ptr<llvm::orc::LLJIT> jit;
  llvm::orc::JITDylib* runtime = nullptr;

 private:
  std::string init() {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
    auto jtmb = llvm::orc::JITTargetMachineBuilder::detectHost();
    if (!jtmb) return llvm::toString(jtmb.takeError());
    jtmb->setCodeGenOptLevel(llvm::CodeGenOptLevel::Default);
    cpu = jtmb->getCPU();
    features = jtmb->getFeatures().getString();
    triple = jtmb->getTargetTriple().str();
    auto layout = jtmb->getDefaultDataLayoutForTarget();  // as LLJIT takes it
    if (!layout) return llvm::toString(layout.takeError());
    data_layout = *layout;
    machine = *jtmb;
    return "";
  }

  std::string init_orc() {
    auto built = llvm::orc::LLJITBuilder()
                     .setJITTargetMachineBuilder(*machine)
                     .setDataLayout(*data_layout)
                     .setLinkProcessSymbolsByDefault(false)
                     .setPlatformSetUp(llvm::orc::setUpInactivePlatform)
                     .create();
    if (!built) return llvm::toString(built.takeError());
    jit = std::move(*built);
    // The runtime's shims and the few C library functions generated code may call; nothing
    // else of the process is visible to policies.
    auto& es = jit->getExecutionSession();
    runtime = &es.createBareJITDylib("proviso.runtime");
    llvm::orc::SymbolMap symbols;
    for (const auto& s : all_shims())
      symbols[jit->mangleAndIntern(s.name)] = llvm::orc::ExecutorSymbolDef(
          llvm::orc::ExecutorAddr::fromPtr(s.address), llvm::JITSymbolFlags::Exported | llvm::JITSymbolFlags::Callable);
    if (auto err = runtime->define(llvm::orc::absoluteSymbols(std::move(symbols))))
      return llvm::toString(std::move(err));
    return "";
  }

  std::once_flag orc_once_;
  std::string orc_failure_;
};

// The IR pipeline of a tier. Optimised: LLVM's default pipeline at `opt_level`. Quick: scalar
// replacement of the frame's allocas, common subexpressions and CFG clean-up in each function,
// no inlining; it leaves most of the work to the code generator, whose fast instruction
// selector makes that cheap (bench/README.md, "Cold compile", measures the choice).
void optimize(llvm::Module& m, llvm::TargetMachine& tm, Tier tier, int opt_level) {
  llvm::LoopAnalysisManager lam;
  llvm::FunctionAnalysisManager fam;
  llvm::CGSCCAnalysisManager cgam;
  llvm::ModuleAnalysisManager mam;
  // Lets, decisions and tables are functions over the frame. In a small module they are all
  // inlined into the entry points, so the frame becomes registers and memo checks fold
  // away; a large module keeps LLVM's default threshold (single-use functions are still
  // inlined), which keeps its cold compile time in bounds. (The quick tier inlines nothing.)
  llvm::PipelineTuningOptions tuning;
  if (tier == Tier::Optimised) {
    constexpr size_t kSmallModule = 1500;  // instructions before optimisation
    size_t instructions = 0;
    for (const llvm::Function& f : m) instructions += f.getInstructionCount();
    tuning.InlinerThreshold = instructions <= kSmallModule ? 2000 : 225;
  }
  llvm::PassBuilder pb(&tm, tuning);
  pb.registerModuleAnalyses(mam);
  pb.registerCGSCCAnalyses(cgam);
  pb.registerFunctionAnalyses(fam);
  pb.registerLoopAnalyses(lam);
  pb.crossRegisterProxies(lam, fam, cgam, mam);
  llvm::ModulePassManager mpm;
  if (tier == Tier::Quick) {
    llvm::FunctionPassManager fpm;
    fpm.addPass(llvm::SROAPass(llvm::SROAOptions::ModifyCFG));
    fpm.addPass(llvm::EarlyCSEPass());
    fpm.addPass(llvm::SimplifyCFGPass());
    mpm.addPass(llvm::createModuleToFunctionPassAdaptor(std::move(fpm)));
  } else {
    llvm::OptimizationLevel level = opt_level <= 0   ? llvm::OptimizationLevel::O0
                                    : opt_level == 1 ? llvm::OptimizationLevel::O1
                                    : opt_level == 2 ? llvm::OptimizationLevel::O2
                                                     : llvm::OptimizationLevel::O3;
    mpm = level == llvm::OptimizationLevel::O0 ? pb.buildO0DefaultPipeline(level)
                                               : pb.buildPerModuleDefaultPipeline(level);
  }
  auto t = Clock::now();
  mpm.run(m, mam);
  if (jit_timing())
    std::fprintf(stderr, "proviso-jit: %s pipeline %.2f ms\n",
                 tier == Tier::Quick ? "quick" : fmt::format("O{}", opt_level).c_str(), ms_since(t));
  if (std::getenv("PROVISO_JIT_DUMP_OPT")) m.print(llvm::errs(), nullptr);
}

// Generates, optimises and compiles one part of a policy. Holds no lock and touches no shared
// mutable state (its own LLVMContext and target machine), so tiers and policies compile on
// several threads at once.
ObjectCode compile_object(const Engine& engine, const Host& host, Part part, Tier tier, int opt_level) {
  ObjectCode out;
  const char* part_name = part == Part::Main ? "main" : "subset";
  auto t = Clock::now();
  llvm::LLVMContext context;
  CodegenResult cg =
      generate(host.program(), host.layout(), host.plan(), context, *engine.data_layout, engine.triple, part);
  if (jit_timing())
    std::fprintf(stderr, "proviso-jit: IR generation (%s, %s) %.2f ms\n", part_name, tier_name(tier), ms_since(t));
  if (!cg.module) {
    out.error = cg.unsupported;
    return out;
  }
  out.sites = std::move(cg.sites);
  llvm::orc::JITTargetMachineBuilder builder = *engine.machine;
  builder.setCodeGenOptLevel(tier == Tier::Quick ? llvm::CodeGenOptLevel::None : llvm::CodeGenOptLevel::Default);
  auto tm = builder.createTargetMachine();
  if (!tm) {
    out.error = "LLVM could not create a target machine: " + llvm::toString(tm.takeError());
    return out;
  }
  optimize(*cg.module, **tm, tier, opt_level);
  auto tc = Clock::now();
  llvm::SmallVector<char, 0> buffer;
  {
    llvm::raw_svector_ostream stream(buffer);
    llvm::legacy::PassManager pm;
    llvm::MCContext* mc = nullptr;
    if ((*tm)->addPassesToEmitMC(pm, mc, stream)) {
      out.error = "LLVM could not compile the policy: the target cannot emit object code";
      return out;
    }
    pm.run(*cg.module);
  }
  if (jit_timing())
    std::fprintf(stderr, "proviso-jit: code generation (%s, %s) %.2f ms\n", part_name, tier_name(tier), ms_since(tc));
  out.object.assign(buffer.data(), buffer.size());
  return out;
}

// An object linked by LLJIT, in a JITDylib of its own (whose internal symbols are local to it),
// removed when this is destroyed.
class OrcCode final : public LinkedCode {
 public:
  OrcCode(Engine& engine, llvm::orc::JITDylib& dylib) : engine_(engine), dylib_(dylib) {}
  ~OrcCode() override {
    std::lock_guard lock(engine_.mu);
    llvm::consumeError(engine_.jit->getExecutionSession().removeJITDylib(dylib_));
  }
  OrcCode(const OrcCode&) = delete;
  OrcCode& operator=(const OrcCode&) = delete;
  const void* symbol(std::string_view name) const override {
    auto it = symbols_.find(std::string(name));
    return it == symbols_.end() ? nullptr : it->second;
  }
  std::map<std::string, const void*> symbols_;

 private:
  Engine& engine_;
  llvm::orc::JITDylib& dylib_;
};

class LlvmBackend final : public Backend {
 public:
  explicit LlvmBackend(Engine& engine) : engine_(engine) {}

  std::string target() const override { return fmt::format("{} {} {}", engine_.triple, engine_.cpu, engine_.features); }

  ObjectCode compile(const Host& host, Part part, Tier tier, int opt_level) const override {
    return compile_object(engine_, host, part, tier, opt_level);
  }

  std::unique_ptr<LinkedCode> link(std::string_view object, const std::vector<std::string_view>& entries,
                                   const std::string& name, std::string* error) override {
    if (std::string why = engine_.orc(); !why.empty()) {
      *error = why;
      return nullptr;
    }
    std::lock_guard lock(engine_.mu);
    auto& es = engine_.jit->getExecutionSession();
    llvm::orc::JITDylib& dylib = es.createBareJITDylib(fmt::format("proviso.code.{}", engine_.next_id++));
    dylib.addToLinkOrder(*engine_.runtime);
    auto drop = [&](std::string why) -> std::unique_ptr<LinkedCode> {
      llvm::consumeError(es.removeJITDylib(dylib));
      *error = std::move(why);
      return nullptr;
    };
    if (auto err = engine_.jit->addObjectFile(dylib, llvm::MemoryBuffer::getMemBufferCopy(object, name)))
      return drop(llvm::toString(std::move(err)));
    std::map<std::string, const void*> symbols;
    for (std::string_view entry : entries) {
      auto sym = engine_.jit->lookup(dylib, llvm::StringRef(entry.data(), entry.size()));
      if (!sym) return drop(llvm::toString(sym.takeError()));
      symbols[std::string(entry)] = sym->toPtr<const void*>();
    }
    auto code = std::make_unique<OrcCode>(engine_, dylib);
    code->symbols_ = std::move(symbols);
    return code;
  }

 private:
  Engine& engine_;
};

}  // namespace

}  // namespace proviso::jit

extern "C" proviso::jit::Backend* proviso_jit_llvm_backend(std::string* error) {
  using proviso::jit::Engine;
  Engine* engine = Engine::get(error);
  if (!engine) return nullptr;
  static proviso::jit::LlvmBackend* backend = new proviso::jit::LlvmBackend(*engine);  // never destroyed, as Engine
  return backend;
}
