/*
 * Simulated physical memory for host tests of the pmm and what sits on it:
 * a host buffer standing for the physical range [SIM_BASE, SIM_BASE +
 * SIM_BYTES), with the direct-map conversions the kernel's allocators take.
 * A conversion outside the simulation fails the running case.
 */
#ifndef SIMMEM_H
#define SIMMEM_H

#include <kern/heap.h>
#include <kern/pmm.h>

#define SIM_BASE (1 * GB)
#define SIM_BYTES (64 * MB)

void *sim_p2v(paddr_t pa);
paddr_t sim_v2p(const void *v);

/* A fresh pmm over `bytes` of simulated RAM (scrubbed, so nothing a
 * previous case left can decide this one) and the heap h over it. */
void sim_heap_setup(pmm_t *pmm, heap_t *h, size_t bytes);

#endif
