/* The x86 instructions the VMM runs on the host, inline. */
#ifndef VMM_X86_64_X86_INSN_H
#define VMM_X86_64_X86_INSN_H

#include <kernel/types.h>

static inline void x86_cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	__asm__ volatile("cpuid"
			 : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			 : "a"(leaf), "c"(sub));
}

static inline uint64_t x86_rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return (uint64_t)hi << 32 | lo;
}

static inline void x86_wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr"
			 :
			 : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32))
			 : "memory");
}

static inline uint64_t x86_read_cr4(void)
{
	uint64_t v;

	__asm__ volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

static inline void x86_write_cr4(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr4" : : "r"(v) : "memory");
}

static inline uint64_t x86_rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

static inline void x86_xsetbv(uint32_t idx, uint64_t v)
{
	__asm__ volatile("xsetbv"
			 :
			 : "c"(idx), "a"((uint32_t)v),
			   "d"((uint32_t)(v >> 32)));
}

static inline uint64_t x86_xgetbv(uint32_t idx)
{
	uint32_t lo, hi;

	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(idx));
	return (uint64_t)hi << 32 | lo;
}

static inline void x86_xsave(void *area, uint64_t mask)
{
	__asm__ volatile("xsave64 (%0)"
			 :
			 : "r"(area), "a"((uint32_t)mask),
			   "d"((uint32_t)(mask >> 32))
			 : "memory");
}

static inline void x86_xrstor(const void *area, uint64_t mask)
{
	__asm__ volatile("xrstor64 (%0)"
			 :
			 : "r"(area), "a"((uint32_t)mask),
			   "d"((uint32_t)(mask >> 32))
			 : "memory");
}

static inline void x86_fxsave(void *area)
{
	__asm__ volatile("fxsave64 (%0)" : : "r"(area) : "memory");
}

static inline void x86_fxrstor(const void *area)
{
	__asm__ volatile("fxrstor64 (%0)" : : "r"(area) : "memory");
}

#endif
