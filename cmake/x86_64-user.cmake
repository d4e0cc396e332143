# Toolchain file for the kernel's static test programs (tests/kernel/):
# freestanding x86-64 user code, position independent, linked as static
# PIEs with lld (the kernel's ELF loader places them anywhere and applies
# their RELATIVE relocations). SSE is allowed: user code has the FPU.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR x86_64)

set(CMAKE_C_COMPILER clang)
set(CMAKE_ASM_COMPILER clang)
set(CMAKE_C_COMPILER_TARGET x86_64-unknown-none-elf)
set(CMAKE_ASM_COMPILER_TARGET x86_64-unknown-none-elf)
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

execute_process(COMMAND clang -print-resource-dir
                OUTPUT_VARIABLE DOGMA_CLANG_RESOURCE_DIR
                OUTPUT_STRIP_TRAILING_WHITESPACE)
set(DOGMA_USER_CFLAGS
    "-ffreestanding -fno-builtin -fpie -fno-stack-protector -fno-omit-frame-pointer -fno-asynchronous-unwind-tables -nostdinc -isystem ${DOGMA_CLANG_RESOURCE_DIR}/include")
set(CMAKE_C_FLAGS_INIT "${DOGMA_USER_CFLAGS}")
set(CMAKE_ASM_FLAGS_INIT "${DOGMA_USER_CFLAGS}")
set(CMAKE_EXE_LINKER_FLAGS_INIT
    "-fuse-ld=lld -nostdlib -static-pie -Wno-unused-command-line-argument -Wl,--no-dynamic-linker -Wl,-z,max-page-size=4096 -Wl,-e,_start -Wl,--build-id=none")
