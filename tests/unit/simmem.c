/* Simulated physical memory for host tests (see simmem.h). */
#include <stdlib.h>

#include "simmem.h"
#include "ut.h"

static uint8_t *sim_mem;

void *sim_p2v(paddr_t pa)
{
    if (pa < SIM_BASE || pa - SIM_BASE >= SIM_BYTES)
        ut_fail(__FILE__, __LINE__, "phys_to_virt(0x%llx) outside the simulation",
                (unsigned long long)pa);
    return sim_mem + (pa - SIM_BASE);
}

paddr_t sim_v2p(const void *v)
{
    return (paddr_t)((uintptr_t)v - (uintptr_t)sim_mem) + SIM_BASE;
}

void sim_heap_setup(pmm_t *pmm, heap_t *h, size_t bytes)
{
    if (!sim_mem) {
        sim_mem = aligned_alloc(PAGE_SIZE, SIM_BYTES);
        if (!sim_mem)
            ut_fail(__FILE__, __LINE__, "no host memory for the simulation");
    }
    UT_CHECK(bytes <= SIM_BYTES);
    memset(sim_mem, 0xa5, bytes);
    pmm_range_t u[] = {{SIM_BASE, SIM_BASE + bytes}};
    UT_EQ(pmm_init(pmm, u, 1, NULL, 0, sim_p2v), PMM_OK);
    heap_init(h, pmm, sim_p2v, sim_v2p);
}
