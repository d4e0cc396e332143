# libabi's freestanding core: the sources verifierd links inside the OS and
# the host tools link on Linux. Nothing here may use libc (rt/mem.c supplies
# the four memory functions a compiler may call by itself).
set(DOGMA_LIBABI_CORE_SOURCES
  format/abi.c
  format/arena.c
  format/code.c
  format/decode.c
  format/diag.c
  format/hash.c
  format/opcode.c
  format/reader.c
  format/validate.c
  proof/body.c
  proof/proof.c
  proof/ranges.c
  x86/access.c
  x86/asm.c
  x86/control.c
  x86/fops.c
  x86/ops.c
  x86/stack.c
  x86/translate.c
)
