// Intel ISA-L (Debian: libisal-dev): its deflate, for the fast compression level of the ZIP writer, and its CRC-32.
#include <isa-l/igzip_lib.h>
// Its CRC-32 (the ZIP/gzip polynomial), with PCLMULQDQ where the processor has it.
#include <isa-l/crc.h>

// The default level-1 work buffer size (a macro expression Swift does not import).
static inline unsigned int isal_level1_default_buffer_size(void) { return ISAL_DEF_LVL1_DEFAULT; }
