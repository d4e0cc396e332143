/*
 * Starting processes: hardware-isolated ones from ELF64 executables, and
 * verified ones from approved code (proc_map_code, for LOADER holders).
 */
#ifndef KERN_LOADER_H
#define KERN_LOADER_H

#include <dogma/abi.h>
#include <kern/elf.h>
#include <kern/proc.h>
#include <kern/region.h>

/* Reads an ELF from a region (or view): a reader context for elf_parse. */
typedef struct {
    region_t *r;
    uint64_t offset; /* where the file starts in the region */
} region_reader_t;
bool loader_region_read(void *ctx, uint64_t off, void *dst, size_t n);

/* A new isolated process from the ELF behind read/ctx, not yet started;
 * its image region's handle is its first. NULL with *out_err (DOGMA_E_
 * BAD_ELF with *out_elf filled, or NO_MEMORY). */
proc_t *loader_spawn_elf(elf_read_fn read, void *ctx, uint64_t size, const char *name,
                         uint64_t parent_pid, vaddr_t *out_entry, dogma_err_t *out_err,
                         elf_error_t *out_elf);

/* Moves a handle into p (at start) and records it in its block's grant
 * list. false when p's table is full. */
bool loader_grant(proc_t *p, kobj_t *o, uint32_t rights);

#endif
