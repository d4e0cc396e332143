#!/usr/bin/env bash
# make-kernel-seeds.sh ELF_OUT TAR_OUT PROGRAMS INITRD REGRESSIONS
#
# The seed corpora of fuzz_elf and fuzz_initrd, from what the build made:
#
#   ELF_OUT/  each kernel test program in PROGRAMS (static PIEs),
#             stripped, and one as built; two small executables built here
#             with clang and lld, stripped: a static PIE with RELATIVE
#             relocations and a fixed-address ET_EXEC; and REGRESSIONS/*.elf
#   TAR_OUT/  the initrd INITRD, its programs cut to 128 bytes (libFuzzer
#             mutates whole inputs: a megabyte of program text would slow
#             it for nothing the reader looks at); small archives of a few
#             files (a directory, a symbolic link, a name long enough for
#             ustar's prefix field) in tar's ustar, gnu, incremental gnu, v7
#             and posix formats; and REGRESSIONS/*.tar
#
# A missing PROGRAMS or INITRD is skipped: the seeds are a head start, not
# a need. CLANG names the compiler (default clang).
set -euo pipefail
elf_out=$1 tar_out=$2 programs=$3 initrd=$4 regressions=$5
clang=${CLANG:-clang}
strip=$(command -v llvm-strip || command -v strip || true)

rm -rf "$elf_out" "$tar_out"
mkdir -p "$elf_out" "$tar_out"
work=$(mktemp -d "${TMPDIR:-/tmp}/kernel-seeds.XXXXXX")
trap 'rm -rf "$work"' EXIT

strip_to() { # IN OUT
    if [ -n "$strip" ]; then "$strip" -o "$2" "$1" 2>/dev/null || cp "$1" "$2"; else cp "$1" "$2"; fi
}

# ---- ELF --------------------------------------------------------------------
if [ -d "$programs" ]; then
    unstripped=
    for f in "$programs"/*; do
        [ -f "$f" ] || continue
        strip_to "$f" "$elf_out/$(basename "$f")"
        [ -n "$unstripped" ] || { unstripped=$f; cp "$f" "$elf_out/$(basename "$f").unstripped"; }
    done
fi

cat > "$work/tiny.c" <<'EOF'
static long counter;
long *pointers[] = {&counter, &counter + 1};
const char *message = "hello";
void _start(void);
void _start(void)
{
    for (;;)
        *pointers[0] += message[0];
}
EOF
# shellcheck disable=SC2054 # the commas are the linker flags
flags=(--target=x86_64-unknown-none-elf -ffreestanding -O1 -nostdlib -fuse-ld=lld
       -Wl,-z,max-page-size=4096 -Wl,-e,_start -Wl,--build-id=none
       -Wno-unused-command-line-argument)
if "$clang" "${flags[@]}" -fpie -static-pie -Wl,--no-dynamic-linker \
        -o "$work/tiny-pie" "$work/tiny.c" 2>/dev/null; then
    strip_to "$work/tiny-pie" "$elf_out/tiny-pie"
fi
if "$clang" "${flags[@]}" -fno-pie -no-pie -static \
        -o "$work/tiny-exec" "$work/tiny.c" 2>/dev/null; then
    strip_to "$work/tiny-exec" "$elf_out/tiny-exec"
fi

# ---- tar --------------------------------------------------------------------
if [ -f "$initrd" ]; then
    mkdir -p "$work/initrd"
    tar -xf "$initrd" -C "$work/initrd"
    find "$work/initrd" -type f -size +128c -exec truncate -s 128 {} +
    # As images/mkinitrd.sh packs it.
    tar --format=ustar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 \
        -cf "$tar_out/initrd.tar" -C "$work/initrd" .
fi

tree=$work/tree
long=abcdefghijklmnopqrstuvwxyz0123456789/abcdefghijklmnopqrstuvwxyz0123456789
mkdir -p "$tree/tests" "$tree/$long"
printf 'hello\n' > "$tree/README.txt"
printf '\177ELF' > "$tree/tests/prog"
head -c 700 /dev/zero | tr '\0' x > "$tree/$long/a-file-whose-path-needs-the-prefix-field-of-ustar-headers-to-fit"
: > "$tree/empty"
ln -s README.txt "$tree/link"
common=(--sort=name --owner=0 --group=0 --numeric-owner --mtime=@0)
for format in ustar gnu v7 posix; do
    tar --format=$format "${common[@]}" -cf "$tar_out/small-$format.tar" \
        -C "$tree" . 2>/dev/null || true
done
# The GNU format as tar -G writes it: atime and ctime where ustar has the prefix.
tar --format=gnu -G "${common[@]}" -cf "$tar_out/small-gnu-incremental.tar" \
    -C "$tree" README.txt tests 2>/dev/null || true
tar --format=ustar "${common[@]}" -cf "$tar_out/one-file.tar" -C "$tree" README.txt

# ---- regressions -------------------------------------------------------------
shopt -s nullglob
for f in "$regressions"/*.elf; do cp "$f" "$elf_out/"; done
for f in "$regressions"/*.tar; do cp "$f" "$tar_out/"; done
echo "kernel seeds: $(find "$elf_out" -type f | wc -l) ELF in $elf_out," \
     "$(find "$tar_out" -type f | wc -l) tar in $tar_out"
