/* exit(3) after some output, which must not be lost: stdio flushes it
 * before proc_exit, and the stream's messages outlive the writer. */
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
    printf("about to exit with status 3\n");
    fprintf(stderr, "exit3: a line on stderr\n");
    exit(3);
}
