/*
 * A freestanding C seed for the fuzzer (no libc): clang -O2 turns it into a
 * module with a switch (br_table), function pointers (a table, an element
 * segment, call_indirect), initialised data, 64-bit and floating-point
 * arithmetic, and memcpy/memset as bulk-memory instructions.
 */
typedef unsigned long size_t;

static unsigned char buf[256];
static const char greeting[] = "seed data for the dogma fuzzer";
static unsigned long long counter = 12345;

static int add(int a, int b) { return a + b; }
static int sub(int a, int b) { return a - b; }
static int mul(int a, int b) { return a * b; }
static int divide(int a, int b) { return b ? a / b : 0; }
static int (*const ops[])(int, int) = {add, sub, mul, divide};

int apply(unsigned op, int a, int b);
int apply(unsigned op, int a, int b) { return ops[op & 3](a, b); }

int classify(int c);
int classify(int c)
{
    switch (c) {
    case 0: return 11;
    case 1: return 7;
    case 2: return -3;
    case 3: return 42;
    case 5: return 8;
    case 8: return 13;
    default: return -1;
    }
}

unsigned long long mix(unsigned long long x);
unsigned long long mix(unsigned long long x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    counter += x;
    return x ^ counter;
}

double poly(double x, int n);
double poly(double x, int n)
{
    double acc = 0.0;
    for (int i = 0; i < n; i++)
        acc = acc * x + (double)i / (float)(n + 1);
    return acc < 0 ? -acc : acc;
}

int copy_and_sum(size_t n);
int copy_and_sum(size_t n)
{
    if (n > sizeof buf)
        n = sizeof buf;
    __builtin_memset(buf, 0x5a, sizeof buf);
    __builtin_memcpy(buf, greeting, n < sizeof greeting ? n : sizeof greeting);
    int s = 0;
    for (size_t i = 0; i < n; i++)
        s += (signed char)buf[i];
    return s;
}
