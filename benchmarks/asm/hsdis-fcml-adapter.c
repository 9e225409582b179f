/* hsdis-fcml-adapter.c: JDK 9+ asks a disassembler plugin for decode_instructions_virtual;
   Debian's FCML plugin (libhsdis0-fcml) has only the older decode_instructions. */
#include <stdint.h>
#include <stddef.h>
typedef void* (*ev_t)(void*, const char*, void*);
typedef int (*pr_t)(void*, const char*, ...);
extern void* decode_instructions(void* start, void* end, ev_t ev, void* evs, pr_t pr, void* prs, const char* options);
/* HotSpot passes the code where it lives, so the older in-place entry point can decode it. */
void* decode_instructions_virtual(uintptr_t start_va, uintptr_t end_va, unsigned char* buffer, uintptr_t length,
                                  ev_t ev, void* evs, pr_t pr, void* prs, const char* options, int newline) {
  (void) start_va; (void) end_va; (void) newline;
  return decode_instructions(buffer, buffer + length, ev, evs, pr, prs, options);
}
