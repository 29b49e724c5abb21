// libarchive (Debian: libarchive-dev; found through pkg-config "libarchive").
#include <archive.h>
#include <archive_entry.h>
