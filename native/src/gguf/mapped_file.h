// A read-only memory mapping of a whole file (POSIX mmap, Windows CreateFileMapping), RAII.
// Ranges can be handed back to the OS once their bytes are no longer needed (release()).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace tern {

class MappedFile {
public:
    // Maps `path` read-only. On failure returns nullptr and sets *error to a sentence.
    static std::unique_ptr<MappedFile> open(const std::string & path, std::string * error);
    ~MappedFile();
    MappedFile(const MappedFile &) = delete;
    MappedFile & operator=(const MappedFile &) = delete;

    const uint8_t * data() const { return data_; }
    uint64_t size() const { return size_; }

    // Tells the OS the pages fully inside [offset, offset + length) are not needed any more
    // (madvise(MADV_DONTNEED) / VirtualUnlock). Reading them again stays valid: they fault back
    // in from the file. Out-of-range parts are ignored.
    void release(uint64_t offset, uint64_t length) const;

private:
    MappedFile() = default;
    const uint8_t * data_ = nullptr;
    uint64_t size_ = 0;
#ifdef _WIN32
    void * file_ = nullptr;
    void * mapping_ = nullptr;
#endif
};

}  // namespace tern
