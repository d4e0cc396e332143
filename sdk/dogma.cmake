# Building Dogma modules from C: add_dogma_module() (spec/sdk.md).
#
#   add_dogma_module(NAME
#     SOURCES file.c ...
#     [OPT O0|O1|O2|Os]        optimisation (default O2)
#     [CFLAGS flag ...]        more compiler flags
#     [INCLUDE_DIRS dir ...]   more include directories
#     [LIBS -lm ...]           more libraries, before libc
#     [NO_WASI])               leave out the WASI adapter
#
# makes ${DOGMA_MODULES_DIR}/NAME.wasm and a target module-NAME (built by
# `all`) whose property DOGMA_MODULE_FILE is that path.
#
# The build calls clang only to compile, with the wasi-libc headers alone
# (-nostdinc: no glibc header can leak in), and links with wasm-ld itself:
# clang 14's driver would run binaryen's wasm-opt over optimised output
# whenever it finds it on PATH, so the module would depend on what is
# installed. The link is crt1 + the program + the SDK (sdk/lib) + the WASI
# adapter (sdk/wasi, which turns wasi-libc's WASI calls into `dogma`
# imports) + libc + compiler-rt's builtins. The name section stays, so
# traps name functions; DWARF (wasi-libc's archives carry it) does not.
include_guard(GLOBAL)

find_program(DOGMA_CLANG clang REQUIRED)
find_program(DOGMA_WASM_LD NAMES wasm-ld wasm-ld-14 REQUIRED)
set(DOGMA_WASI_SYSROOT /usr CACHE PATH
    "Root holding include/wasm32-wasi and lib/wasm32-wasi (Debian's wasi-libc)")
set(DOGMA_MODULES_DIR ${CMAKE_BINARY_DIR}/modules CACHE INTERNAL "SDK modules' output")
set(DOGMA_SDK_DIR ${CMAKE_CURRENT_LIST_DIR} CACHE INTERNAL "")

if(NOT EXISTS ${DOGMA_WASI_SYSROOT}/include/wasm32-wasi/stdio.h)
  message(FATAL_ERROR "no wasi-libc headers in ${DOGMA_WASI_SYSROOT}/include/wasm32-wasi "
                      "(Debian package wasi-libc)")
endif()
execute_process(COMMAND ${DOGMA_CLANG} -print-resource-dir
                OUTPUT_VARIABLE _dogma_clang_res OUTPUT_STRIP_TRAILING_WHITESPACE)
execute_process(COMMAND ${DOGMA_CLANG} --target=wasm32-wasi -print-libgcc-file-name
                OUTPUT_VARIABLE _dogma_builtins OUTPUT_STRIP_TRAILING_WHITESPACE)
if(NOT EXISTS "${_dogma_builtins}")
  message(FATAL_ERROR "no compiler-rt builtins for wasm32 at '${_dogma_builtins}' "
                      "(Debian package libclang-rt-14-dev-wasm32)")
endif()
set(DOGMA_WASM_BUILTINS ${_dogma_builtins} CACHE INTERNAL "")

# The flags every wasm32 C file of the SDK and its programs gets: GNU C11
# and the host build's warnings, as errors. GNU rather than ISO C, as on
# the host: wasi-libc then declares POSIX as well (strnlen, ...), and its
# own macros (lseek) use statement expressions that -pedantic refuses. A
# program that wants ISO C adds CFLAGS -std=c11 -pedantic.
set(DOGMA_WASM_CFLAGS --target=wasm32-wasi -nostdinc
    -isystem ${_dogma_clang_res}/include
    -isystem ${DOGMA_WASI_SYSROOT}/include/wasm32-wasi
    -I${DOGMA_SDK_DIR}/include -I${DOGMA_SDK_DIR}/../libabi/include
    -std=gnu11 -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Werror
    CACHE INTERNAL "")

# Compiles SOURCES (relative to the current source directory) into objects
# under OBJDIR; their paths go to OUT_VAR.
function(dogma_wasm_objects OUT_VAR OBJDIR)
  cmake_parse_arguments(PARSE_ARGV 2 A "" "" "SOURCES;FLAGS;DEPENDS")
  set(objs)
  foreach(src IN LISTS A_SOURCES)
    get_filename_component(abs ${src} ABSOLUTE)
    get_filename_component(stem ${src} NAME_WE)
    set(obj ${OBJDIR}/${stem}.o)
    add_custom_command(
      OUTPUT ${obj}
      COMMAND ${CMAKE_COMMAND} -E make_directory ${OBJDIR}
      COMMAND ${DOGMA_CLANG} ${DOGMA_WASM_CFLAGS} ${A_FLAGS} -MD -MF ${obj}.d
              -c ${abs} -o ${obj}
      DEPENDS ${abs} ${A_DEPENDS}
      DEPFILE ${obj}.d
      COMMENT "Compiling ${src} for wasm32"
      VERBATIM)
    list(APPEND objs ${obj})
  endforeach()
  set(${OUT_VAR} ${objs} PARENT_SCOPE)
endfunction()

function(add_dogma_module NAME)
  cmake_parse_arguments(PARSE_ARGV 1 A "NO_WASI" "OPT"
                        "SOURCES;CFLAGS;INCLUDE_DIRS;LIBS")
  if(NOT A_SOURCES)
    message(FATAL_ERROR "add_dogma_module(${NAME}): no SOURCES")
  endif()
  if(NOT A_OPT)
    set(A_OPT O2)
  endif()
  set(flags -${A_OPT} ${A_CFLAGS})
  foreach(d IN LISTS A_INCLUDE_DIRS)
    get_filename_component(d ${d} ABSOLUTE)
    list(APPEND flags -I${d})
  endforeach()
  dogma_wasm_objects(objs ${CMAKE_CURRENT_BINARY_DIR}/${NAME}.obj
                     SOURCES ${A_SOURCES} FLAGS ${flags})

  get_property(sdk_lib GLOBAL PROPERTY DOGMA_SDK_LIB_OBJECTS)
  get_property(sdk_wasi GLOBAL PROPERTY DOGMA_SDK_WASI_OBJECTS)
  set(sdk ${sdk_lib})
  if(NOT A_NO_WASI)
    list(APPEND sdk ${sdk_wasi})
  endif()
  set(libdir ${DOGMA_WASI_SYSROOT}/lib/wasm32-wasi)
  set(out ${DOGMA_MODULES_DIR}/${NAME}.wasm)
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${DOGMA_MODULES_DIR}
    COMMAND ${DOGMA_WASM_LD} -m wasm32 -L${libdir} ${libdir}/crt1-command.o
            ${objs} ${sdk} ${A_LIBS} -lc ${DOGMA_WASM_BUILTINS} --strip-debug -o ${out}
    DEPENDS ${objs} ${sdk}
    COMMENT "Linking module ${NAME}.wasm"
    VERBATIM)
  add_custom_target(module-${NAME} ALL DEPENDS ${out})
  add_dependencies(module-${NAME} dogma-sdk)
  set_target_properties(module-${NAME} PROPERTIES DOGMA_MODULE_FILE ${out})
endfunction()
