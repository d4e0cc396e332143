/* greedy: a program whose dogma.abi section (added after linking, see
 * CMakeLists.txt) asks for the keyboard controller's port 0x60 under the
 * name "kbd". Nobody grants it that, so verifierd must refuse to start it
 * and this line must never print. */
#include <stdio.h>

int main(void)
{
    puts("greedy: started without the port it asked for");
    return 0;
}
