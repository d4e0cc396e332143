# images/qemu.sh: how Dogma runs QEMU, in one place. Sourced by ./dogma
# (run) and tests/qemu/run-scenario.sh (tests); defines functions only.
#
#   dogma_qemu_accel [auto|kvm|tcg]  prints the accelerator to use
#   dogma_qemu_cmd OUTVAR ISO FIRMWARE ACCEL SERIAL [EXTRA...]
#       fills the array OUTVAR with the QEMU command line
#
# KVM is used only when /dev/kvm is usable and the CPU advertises hardware
# virtualization (vmx or svm). Some sandboxes expose a /dev/kvm backed by a
# software scheme with neither flag; QEMU opens it, but guests crawl or hang
# there, so auto picks TCG. Even with kvm, QEMU gets "-accel kvm -accel tcg"
# and falls back to TCG if KVM cannot start.

dogma_qemu_accel() {
    local want=${1:-auto}
    case $want in
        tcg) echo tcg ;;
        kvm) echo kvm ;;
        auto)
            if [ -r /dev/kvm ] && [ -w /dev/kvm ] &&
                grep -qw -E 'vmx|svm' /proc/cpuinfo 2>/dev/null; then
                echo kvm
            else
                echo tcg
            fi ;;
        *) echo "unknown accelerator '$want' (use kvm, tcg or auto)" >&2; return 2 ;;
    esac
}

# The OVMF firmware from Debian's ovmf package: code read-only, and a
# private writable copy of the variable store next to the ISO.
dogma_ovmf_code() { echo /usr/share/OVMF/OVMF_CODE_4M.fd; }
dogma_ovmf_vars_template() { echo /usr/share/OVMF/OVMF_VARS_4M.fd; }

dogma_qemu_cmd() {
    local -n _cmd=$1
    local iso=$2 firmware=$3 accel=$4 serial=$5
    shift 5
    _cmd=(qemu-system-x86_64 -machine q35 -m 256M -smp 1
          -display none -no-reboot -nic none
          -serial "$serial"
          -device isa-debug-exit,iobase=0xf4,iosize=0x04
          -cdrom "$iso" -boot d)
    # -cpu max, not host: host needs KVM, and would stop the fallback.
    if [ "$accel" = kvm ]; then
        _cmd+=(-accel kvm -accel tcg -cpu max)
    else
        _cmd+=(-accel tcg -cpu max)
    fi
    if [ "$firmware" = uefi ]; then
        local vars="${iso%.iso}.vars.fd"
        cp "$(dogma_ovmf_vars_template)" "$vars"
        _cmd+=(-drive "if=pflash,format=raw,unit=0,readonly=on,file=$(dogma_ovmf_code)"
               -drive "if=pflash,format=raw,unit=1,file=$vars")
    fi
    _cmd+=("$@")
}
