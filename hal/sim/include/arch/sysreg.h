/* The barriers vmm/arch/aarch64/stage2.c uses, for the host build that
 * runs those tables in the unit tests. */
#ifndef ARCH_SYSREG_H
#define ARCH_SYSREG_H

#define dsb(opt) __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define isb()    __atomic_thread_fence(__ATOMIC_SEQ_CST)

#endif
