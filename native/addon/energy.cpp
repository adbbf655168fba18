// energyCounter(): { scope, joules } | null — a cumulative energy counter the OS gives this
// process, for the telemetry. Only differences between two readings mean anything: the counters
// start at no particular moment.
//   macOS:   the kernel's own estimate of the energy this process used (proc_pid_rusage,
//            rusage_info_v6.ri_energy_nj), scope 'process'.
//   Windows: the CPU package's meter, read through the performance counter set that Windows'
//            Energy Meter Interface (EMI) publishes, scope 'package'.
//   Elsewhere: null (on Linux the main process reads the powercap files itself).
// Each call reads the counter on the JS thread: a system call, no waiting.
#include <napi.h>

#include <cstdint>
#include <optional>

#if defined(_WIN32)
#ifndef NOMINMAX
#define NOMINMAX
#endif
#include <windows.h>
#include <pdh.h>
#include <pdhmsg.h>
#elif defined(__APPLE__)
#include <libproc.h>
#include <sys/resource.h>
#include <unistd.h>
#endif

namespace tern_energy_addon {

namespace {

struct Reading {
    const char * scope;
    double joules;
};

#if defined(_WIN32)

// The package channel of the RAPL meter (the whole CPU package; the cores-only and DRAM
// channels are other instances of the same counter set). English name, so it is found on a
// Windows in any language.
constexpr const wchar_t * kPackageEnergy = L"\\Energy Meter(RAPL_Package0_PKG)\\Energy";
// The counter holds the meter's AbsoluteEnergy as EMI reports it: picowatt-hours
// (EMI_MEASUREMENT_UNIT's only unit, EmiMeasurementUnitPicowattHours). 1 pWh = 3.6e-9 J.
constexpr double kJoulesPerPicowattHour = 3.6e-9;

// One PDH query with the one counter, opened at the first call and kept for the life of the
// process; both null when the machine has no such meter (no EMI driver, a virtual machine, a CPU
// without RAPL instances).
struct PackageMeter {
    PDH_HQUERY query = nullptr;
    PDH_HCOUNTER counter = nullptr;
};

PackageMeter open_meter() {
    PackageMeter m;
    // PdhOpenQueryW(data source: null = live counters, user data, out query handle).
    if (PdhOpenQueryW(nullptr, 0, &m.query) != ERROR_SUCCESS) return PackageMeter{};
    // PdhAddEnglishCounterW: adds a counter by its English (locale-independent) path; fails with
    // PDH_CSTATUS_NO_OBJECT / PDH_CSTATUS_NO_INSTANCE when the counter set or instance is absent.
    if (PdhAddEnglishCounterW(m.query, kPackageEnergy, 0, &m.counter) != ERROR_SUCCESS) {
        PdhCloseQuery(m.query);
        return PackageMeter{};
    }
    return m;
}

std::optional<Reading> read_energy() {
    // A function-local static: opened once, on the first call (C++11 makes that thread-safe).
    static const PackageMeter meter = open_meter();
    if (!meter.query) return std::nullopt;
    // PdhCollectQueryData: samples every counter of the query now.
    if (PdhCollectQueryData(meter.query) != ERROR_SUCCESS) return std::nullopt;
    // PdhGetRawCounterValue: the sample as collected, before any formatting (FirstValue holds the
    // cumulative energy); CStatus says whether the sample is valid.
    DWORD type = 0;
    PDH_RAW_COUNTER raw{};
    if (PdhGetRawCounterValue(meter.counter, &type, &raw) != ERROR_SUCCESS) return std::nullopt;
    if (raw.CStatus != PDH_CSTATUS_VALID_DATA && raw.CStatus != PDH_CSTATUS_NEW_DATA) return std::nullopt;
    if (raw.FirstValue < 0) return std::nullopt;
    return Reading{"package", static_cast<double>(raw.FirstValue) * kJoulesPerPicowattHour};
}

#elif defined(__APPLE__) && defined(RUSAGE_INFO_V6)

std::optional<Reading> read_energy() {
    // proc_pid_rusage (libproc.h) fills the rusage_info flavour asked for; RUSAGE_INFO_V6
    // (macOS 12 and later) is the first with ri_energy_nj, the energy the kernel attributes to
    // the process, in nanojoules. An older kernel refuses the flavour (-1, EINVAL).
    rusage_info_v6 info{};
    if (proc_pid_rusage(getpid(), RUSAGE_INFO_V6, reinterpret_cast<rusage_info_t *>(&info)) != 0) return std::nullopt;
    // A process that has run has used some energy: 0 means the machine does not estimate it
    // (Intel Macs leave the field empty).
    if (info.ri_energy_nj == 0) return std::nullopt;
    return Reading{"process", static_cast<double>(info.ri_energy_nj) / 1e9};
}

#else

// Linux and the rest: nothing here (an SDK before macOS 12 lacks RUSAGE_INFO_V6).
std::optional<Reading> read_energy() {
    return std::nullopt;
}

#endif

Napi::Value EnergyCounter(const Napi::CallbackInfo & info) {
    Napi::Env env = info.Env();
    const std::optional<Reading> reading = read_energy();
    if (!reading) return env.Null();
    Napi::Object out = Napi::Object::New(env);
    out.Set("scope", reading->scope);
    out.Set("joules", reading->joules);
    return out;
}

}  // namespace

}  // namespace tern_energy_addon

// Called from addon.cpp's Init.
void TernRegisterEnergy(Napi::Env env, Napi::Object exports) {
    exports.Set("energyCounter", Napi::Function::New(env, tern_energy_addon::EnergyCounter, "energyCounter"));
}
