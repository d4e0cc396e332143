/* trap: prints a line, then stores far outside its memory. Under the
 * checked strategy the store's bound check fails: the trap "out of bounds
 * memory access", and the process is torn down; the system stays up. */
#include <stdint.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    (void)argv;
    printf("about to write outside memory\n");
    fflush(stdout);
    volatile uint8_t *p = (volatile uint8_t *)(uintptr_t)(0xfff00000u + (unsigned)argc);
    *p = 1;
    printf("still here: the store did not trap\n");
    return 0;
}
