#include "gguf/mapped_file.h"

#ifdef _WIN32
#ifndef NOMINMAX
#define NOMINMAX
#endif
#include <windows.h>
#else
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

namespace tern {

#ifdef _WIN32

static std::wstring widen(const std::string & utf8) {
    const int n = MultiByteToWideChar(CP_UTF8, 0, utf8.c_str(), -1, nullptr, 0);
    std::wstring out(n > 0 ? n : 0, L'\0');
    if (n > 0) MultiByteToWideChar(CP_UTF8, 0, utf8.c_str(), -1, &out[0], n);
    if (!out.empty() && out.back() == L'\0') out.pop_back();
    return out;
}

std::unique_ptr<MappedFile> MappedFile::open(const std::string & path, std::string * error) {
    std::unique_ptr<MappedFile> m(new MappedFile());
    HANDLE f = CreateFileW(widen(path).c_str(), GENERIC_READ, FILE_SHARE_READ, nullptr, OPEN_EXISTING,
                           FILE_ATTRIBUTE_NORMAL, nullptr);
    if (f == INVALID_HANDLE_VALUE) {
        *error = "cannot open '" + path + "' (Windows error " + std::to_string(GetLastError()) + ")";
        return nullptr;
    }
    m->file_ = f;
    LARGE_INTEGER size;
    if (!GetFileSizeEx(f, &size)) {
        *error = "cannot read the size of '" + path + "'";
        return nullptr;
    }
    m->size_ = static_cast<uint64_t>(size.QuadPart);
    if (m->size_ == 0) {
        *error = "'" + path + "' is empty";
        return nullptr;
    }
    HANDLE map = CreateFileMappingW(f, nullptr, PAGE_READONLY, 0, 0, nullptr);
    if (!map) {
        *error = "cannot map '" + path + "' (Windows error " + std::to_string(GetLastError()) + ")";
        return nullptr;
    }
    m->mapping_ = map;
    void * p = MapViewOfFile(map, FILE_MAP_READ, 0, 0, 0);
    if (!p) {
        *error = "cannot map '" + path + "' (Windows error " + std::to_string(GetLastError()) + ")";
        return nullptr;
    }
    m->data_ = static_cast<const uint8_t *>(p);
    return m;
}

MappedFile::~MappedFile() {
    if (data_) UnmapViewOfFile(data_);
    if (mapping_) CloseHandle(mapping_);
    if (file_) CloseHandle(file_);
}

void MappedFile::release(uint64_t offset, uint64_t length) const {
    if (!data_ || offset >= size_) return;
    if (length > size_ - offset) length = size_ - offset;
    SYSTEM_INFO si;
    GetSystemInfo(&si);
    const uint64_t page = si.dwPageSize;
    const uint64_t begin = (offset + page - 1) / page * page;
    const uint64_t end = (offset + length) / page * page;
    // Unlocking pages that were never locked removes them from the working set.
    if (end > begin) VirtualUnlock(const_cast<uint8_t *>(data_ + begin), static_cast<SIZE_T>(end - begin));
}

#else

std::unique_ptr<MappedFile> MappedFile::open(const std::string & path, std::string * error) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        *error = "cannot open '" + path + "': " + std::strerror(errno);
        return nullptr;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        *error = "cannot stat '" + path + "': " + std::strerror(errno);
        ::close(fd);
        return nullptr;
    }
    if (!S_ISREG(st.st_mode)) {
        *error = "'" + path + "' is not a regular file";
        ::close(fd);
        return nullptr;
    }
    if (st.st_size <= 0) {
        *error = "'" + path + "' is empty";
        ::close(fd);
        return nullptr;
    }
    void * p = mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
    const int map_errno = errno;
    ::close(fd);  // the mapping keeps the file alive
    if (p == MAP_FAILED) {
        *error = "cannot map '" + path + "': " + std::strerror(map_errno);
        return nullptr;
    }
    std::unique_ptr<MappedFile> m(new MappedFile());
    m->data_ = static_cast<const uint8_t *>(p);
    m->size_ = static_cast<uint64_t>(st.st_size);
    return m;
}

MappedFile::~MappedFile() {
    if (data_) munmap(const_cast<uint8_t *>(data_), static_cast<size_t>(size_));
}

void MappedFile::release(uint64_t offset, uint64_t length) const {
    if (!data_ || offset >= size_) return;
    if (length > size_ - offset) length = size_ - offset;
    const uint64_t page = static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
    const uint64_t begin = (offset + page - 1) / page * page;
    const uint64_t end = (offset + length) / page * page;
    if (end > begin) madvise(const_cast<uint8_t *>(data_ + begin), static_cast<size_t>(end - begin), MADV_DONTNEED);
}

#endif

}  // namespace tern
