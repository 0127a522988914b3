/* System-register access and barriers for aarch64. */
#ifndef ARCH_SYSREG_H
#define ARCH_SYSREG_H

#include <stdint.h>

#define read_sysreg(r)                                      \
	({                                                  \
		uint64_t v_;                                \
		__asm__ volatile("mrs %0, " #r : "=r"(v_)); \
		v_;                                         \
	})
#define write_sysreg(r, v) \
	__asm__ volatile("msr " #r ", %0" : : "r"((uint64_t)(v)) : "memory")

#define isb()    __asm__ volatile("isb" ::: "memory")
#define dsb(opt) __asm__ volatile("dsb " #opt ::: "memory")
#define dmb(opt) __asm__ volatile("dmb " #opt ::: "memory")

/* HCR_EL2 bits */
#define HCR_VM     (1ull << 0)
#define HCR_SWIO   (1ull << 1)
#define HCR_FMO    (1ull << 3)
#define HCR_IMO    (1ull << 4)
#define HCR_AMO    (1ull << 5)
#define HCR_VF     (1ull << 6)
#define HCR_VI     (1ull << 7)
#define HCR_VSE    (1ull << 8)
#define HCR_FB     (1ull << 9)
#define HCR_BSU_IS (1ull << 10)
#define HCR_TWI    (1ull << 13)
#define HCR_TWE    (1ull << 14)
#define HCR_TID3   (1ull << 18)
#define HCR_TSC    (1ull << 19)
#define HCR_TACR   (1ull << 21)
#define HCR_TSW    (1ull << 22)
#define HCR_TVM    (1ull << 26)
#define HCR_RW     (1ull << 31)
#define HCR_TLOR   (1ull << 35)
#define HCR_E2H    (1ull << 34)
#define HCR_APK    (1ull << 40)
#define HCR_API    (1ull << 41)
#define HCR_FWB    (1ull << 46)
#define HCR_TID5   (1ull << 58)
/* Outside guests: EL1 is AArch64, and physical interrupts come to EL2
 * (with IMO/FMO clear they would target EL1 and never be taken here). */
#define HCR_HOST (HCR_RW | HCR_IMO | HCR_FMO)

/* ESR_ELx exception classes */
#define ESR_EC(esr)  (((esr) >> 26) & 0x3f)
#define ESR_IL       (1ull << 25)
#define ESR_ISS(esr) ((esr)&0x1ffffff)
#define EC_UNKNOWN   0x00
#define EC_WFX       0x01
#define EC_CP15_32   0x03 /* AArch32 MCR/MRC p15 */
#define EC_CP15_64   0x04 /* AArch32 MCRR/MRRC p15 */
#define EC_CP14_MR   0x05 /* AArch32 MCR/MRC p14 */
#define EC_CP14_LS   0x06 /* AArch32 LDC/STC p14 */
#define EC_FP_ACCESS 0x07 /* FP/SIMD (CPTR_EL2.TFP) */
#define EC_CP10_ID   0x08 /* AArch32 VMRS of an ID register */
#define EC_CP14_64   0x0c /* AArch32 MRRC p14 */
#define EC_HVC64     0x16
#define EC_SMC64     0x17
#define EC_SYS64     0x18
#define EC_SVE       0x19
#define EC_IABT_LOW  0x20
#define EC_IABT_CUR  0x21
#define EC_PC_ALIGN  0x22
#define EC_DABT_LOW  0x24
#define EC_DABT_CUR  0x25
#define EC_SP_ALIGN  0x26
#define EC_SERROR    0x2f
#define EC_BRK       0x3c

#endif
