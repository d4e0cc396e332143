/*
 * review-exec: an isolated process's own code pages are executable for
 * it alone. This program shares its image read-write (which makes the
 * handle transferable) and grants a duplicate to a verified process whose
 * approved code jumps into the image's text. Verified processes run on
 * the global page table, where only approved code (code regions made by
 * proc_map_code) may be executable: the jump must fault as an instruction
 * fetch from a page that is not code (kind 3), not run the image's code.
 * Reading the same page is fine (the handle has READ). This program keeps
 * running from its shared image throughout.
 */
#include "dogma_user.h"

/* Approved code: reads the byte at rdi (must work), then jumps there. */
extern const uint8_t rv_jump[], rv_jump_end[];
/* In this program's text: exit(77). */
extern const uint8_t rv_exit77[];
__asm__(".pushsection .text\n"
        ".global rv_jump, rv_jump_end, rv_exit77\n"
        "rv_jump:\n"
        "    movzbl (%rdi), %eax\n"
        "    jmp *%rdi\n"
        "rv_jump_end:\n"
        "rv_exit77:\n"
        "    movl $77, %edi\n"
        "    movl $1, %eax\n" /* DOGMA_SYS_exit */
        "    syscall\n"
        "    ud2\n"
        ".popsection\n");

int test_main(void)
{
    uint32_t image = t_pb32(DOGMA_PB_IMAGE);
    CHECK(t_cap_info(image).kind == DOGMA_CAP_REGION);
    OK(DSYS2(DOGMA_SYS_region_share, image, DOGMA_SHARE_RW));
    /* We still run, and write our data, from the shared image. */
    static volatile int still_writable;
    still_writable = 1;
    CHECK(still_writable == 1);

    uint32_t g = t_dup(image, DOGMA_R_READ | DOGMA_R_TRANSFER);
    uint32_t v = t_map_code(rv_jump, rv_jump_end, (uint64_t)rv_exit77, &g, 1, "jumper", NULL);
    CHECK(!t_live(g));
    t_expect_torn_down(v, DOGMA_FAULT_UNMAPPED);
    return 0;
}
