/*
 * binaryen's fuzzing-support imports for dogma-run (fuzzsupport.c).
 */
#ifndef DOGMA_RUN_FUZZSUPPORT_H
#define DOGMA_RUN_FUZZSUPPORT_H

#include "host.h"

dr_hostmod_t dr_fuzzsupport_module(void); /* "fuzzing-support" */

#endif
