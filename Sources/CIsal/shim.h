// Intel ISA-L's deflate (Debian: libisal-dev), for the fast compression level of the ZIP writer.
#include <isa-l/igzip_lib.h>

// The default level-1 work buffer size (a macro expression Swift does not import).
static inline unsigned int isal_level1_default_buffer_size(void) { return ISAL_DEF_LVL1_DEFAULT; }
