# Toolchain file for the freestanding x86-64 kernel.
#
# Every flag that makes kernel code freestanding lives here and nowhere else:
# no libc, no red zone (interrupts push onto the current stack), no SSE/x87
# state in kernel code (traps do not save it), the kernel code model (the
# image is linked at -2 GiB), no PIE, and frame pointers kept so a panic can
# walk the stack; unwind tables go to .debug_frame (for GDB, never loaded)
# rather than .eh_frame (nothing in the kernel unwinds by itself).
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR x86_64)

set(CMAKE_C_COMPILER clang)
set(CMAKE_ASM_COMPILER clang)
set(CMAKE_C_COMPILER_TARGET x86_64-unknown-none-elf)
set(CMAKE_ASM_COMPILER_TARGET x86_64-unknown-none-elf)
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

# Only the compiler's own freestanding headers (stdint.h, stddef.h, stdarg.h,
# stdbool.h): never the host's /usr/include.
execute_process(COMMAND clang -print-resource-dir
                OUTPUT_VARIABLE DOGMA_CLANG_RESOURCE_DIR
                OUTPUT_STRIP_TRAILING_WHITESPACE)
set(DOGMA_KERNEL_CFLAGS
    "-ffreestanding -fno-pie -fno-pic -mno-red-zone -mcmodel=kernel -mno-sse -mno-mmx -mno-80387 -fno-stack-protector -fno-omit-frame-pointer -fno-asynchronous-unwind-tables -fno-builtin -nostdinc -isystem ${DOGMA_CLANG_RESOURCE_DIR}/include")
set(CMAKE_C_FLAGS_INIT "${DOGMA_KERNEL_CFLAGS}")
set(CMAKE_ASM_FLAGS_INIT "${DOGMA_KERNEL_CFLAGS}")
set(CMAKE_EXE_LINKER_FLAGS_INIT
    "-fuse-ld=lld -nostdlib -static -no-pie -Wno-unused-command-line-argument -Wl,-z,max-page-size=0x1000 -Wl,--build-id=none")
