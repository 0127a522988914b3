/* x86_64 (AMD SVM) parts embedded in struct vm and struct vcpu. */
#ifndef ARCH_VMM_ARCH_H
#define ARCH_VMM_ARCH_H

#include <stdint.h>
#include <kernel/timer.h>

/* A vCPU is powered on only by INIT/SIPI, whose entry is a 4 KiB page. */
#define VCPU_ENTRY_ALIGN 4096

/* vcpu_arch_reset()'s argument for a vCPU started by a SIPI: real mode at
 * the entry's page, not the boot protocol's state. */
#define X86_ARG_SIPI 0x51b1000000000000ull

/* The guest's general registers that the VMCB does not hold (rax and rsp
 * are there), by number: the slots of rax (0) and rsp (4) are unused.
 * Layout shared with guest_entry.S. */
struct guest_gprs {
	uint64_t r[16];
};

/* What an emulated MMIO load still has to do (vcpu_arch_mmio_done). */
struct mmio_op {
	uint8_t reg;   /* destination register number */
	uint8_t len;   /* of the instruction */
	uint8_t width; /* of the destination: 1, 2, 4 or 8 bytes */
	uint8_t acc;   /* of the access */
	bool high8;    /* ah, ch, dh or bh */
	bool sign;     /* sign-extend (MOVSX) */
	bool load;     /* a load: the register gets the value */
};

/* The guest's local APIC (vlapic.c). IRR bits are set by any CPU with
 * atomics; everything else belongs to the vCPU's own task (and its timer
 * event, on the same pCPU). */
struct vlapic {
	uint64_t irr[4], isr[4], tmr[4]; /* 64 vectors a word */
	uint32_t id, tpr, ldr, dfr, svr, esr, icr_lo, icr_hi;
	uint32_t lvt[7]; /* CMCI, timer, thermal, perf, LINT0, LINT1, error */
	uint32_t timer_init, dcr;
	uint64_t timer_start;    /* host TSC when the count was loaded */
	uint64_t timer_deadline; /* host TSC of the next expiry, 0: none */
	uint64_t tsc_deadline;   /* IA32_TSC_DEADLINE as written */
	bool init_received;      /* INIT seen while off: SIPI may start it */
	bool x2apic;             /* in x2APIC mode: MSRs, not the page */
	struct timer_event ev;
};

/* An MMIO instruction as decoded (insn.c), kept with the bytes and the
 * mode it was decoded from: a fault at the same bytes in the same mode
 * (a driver's loop, an interrupt handler's EOI) is not decoded again. */
struct mmio_insn {
	uint64_t key[2]; /* its bytes 0-7 and 7-14 */
	uint8_t mode;    /* 1 | 64-bit code << 1 | 32-bit code << 2; 0: none */
	uint8_t acc;     /* the access's width */
	bool store;
	bool has_imm;   /* a store of 'imm' */
	bool src_high8; /* a store from ah, ch, dh or bh */
	uint8_t src;    /* a store's source register */
	uint64_t imm;   /* extended to the access */
	struct mmio_op op;
};

enum { NMI_OPEN, NMI_BLOCKED, NMI_IRET_SEEN };

/* A guest's page walk of an instruction fetched (insn.c): where in host
 * memory the entries it read lie and what they held, so that the next
 * fetch in that page (a loop of exits at one rip) reads them again rather
 * than walking. */
struct rip_walk {
	/* 'la' when the walk may be checked inline (rip_kept(): 8-byte
	 * entries, RAM), else 1, which no page address is. */
	uint64_t key;
	bool valid;
	uint8_t n;     /* entries read */
	uint8_t wide;  /* 8-byte entries (4-byte ones in 2-level paging) */
	uint32_t gen;  /* the VM's npt_gen */
	uint64_t mode; /* CR0.PG | EFER.LMA | CR4.PAE | CR4.PSE */
	uint64_t cr3;
	uint64_t la;          /* the linear page */
	uint64_t pa;          /* its guest-physical page */
	const uint8_t *page;  /* its bytes in host memory, NULL: not RAM */
	const void *entry[4]; /* past 'n': &val[i], which holds val[i] */
	uint64_t val[4];
	uint32_t used; /* when last used (vcpu_arch.walk_clock) */
};

struct vcpu_arch {
	struct guest_gprs gprs;
	/* guest_entry.S finds these two after gprs. */
	uint64_t vmcb_pa;
	uint64_t host_pa;  /* its pCPU's VMLOAD state while loaded */
	struct vmcb *vmcb; /* a page */
	void *fpu;         /* XSAVE / FXSAVE area, 4 KiB */
	uint64_t xcr0;     /* the guest's XCR0 */
	uint64_t tsc_aux;  /* its IA32_TSC_AUX (what RDTSCP gives in ecx) */
	uint64_t dr[4];    /* DR0-3 while it is not loaded */
	uint64_t hc_args[6];
	int last_cpu;          /* pCPU it last ran on, -1 never */
	bool flush;            /* flush the TLB at the next VMRUN */
	uint32_t npt_gen;      /* the VM's npt_gen it last flushed for */
	uint64_t nmi_pending;  /* atomic */
	uint8_t nmi_state;     /* NMI_OPEN, NMI_BLOCKED, NMI_IRET_SEEN */
	uint64_t nmi_iret_rip; /* where the NMI handler's IRET was */
	bool nmi_singlestep;   /* that IRET runs with TF: the #DB is ours */
	uint64_t sipi_targets; /* vCPUs this one's SIPI starts (bit = index) */
	uint32_t sipi_vector;
	uint8_t virq; /* the vector offered through V_IRQ at entry, 0: none */
	bool offered; /* V_IRQ, the VINTR or the CR8 write intercept set */
	struct mmio_op mmio;
	/* The TSC as the exit of a write to the vLAPIC's TIMER_INIT was
	 * taken up (a nested page fault's, before its decode; a WRMSR's):
	 * when the guest's write ran (a count starts at its write). */
	uint64_t timer_write_tsc;
	/* The last MMIO_INSNS decoded (a driver's few register accesses,
	 * an interrupt handler's EOI), [mmio_last] the one used last,
	 * [mmio_next] the next one replaced. */
#define MMIO_INSNS 4
	struct mmio_insn mmio_insn[MMIO_INSNS];
	uint8_t mmio_last, mmio_next;
	/* The last RIP_WALKS pages exited from: an interrupt's handler
	 * (its EOI), the code it interrupted, the idle loop's HLT and the
	 * timer's re-arming can be four pages in turn. */
#define RIP_WALKS 4
	struct rip_walk walk[RIP_WALKS];
	struct rip_walk *walk_cur;  /* the one used last */
	struct rip_walk *walk_prev; /* the one used before it */
	uint32_t walk_clock;        /* rip_walk.used: the next use's stamp */
	struct vlapic lapic;
};

struct vuart16550;
struct vioapic;
struct vpit;
struct vpic;
struct vpm;

struct vm_arch {
	uint32_t asid;
	uint32_t npt_gen; /* bumped when mappings go: vCPUs flush */
	struct vuart16550 *uart;
	struct vioapic *ioapic;
	struct vpit *pit;
	struct vpic *pic;
	struct vpm *pm;
	/* Host GSIs forwarded to the VM's IOAPIC (vioapic.c): kept here,
	 * past the IOAPIC, which goes with the devices before the
	 * handlers do. */
	uint32_t gsi_forwarded;
	uint32_t gsi_cpu; /* the pCPU they are delivered to */
	/* Its own I/O permission map when it has passthrough ports (0:
	 * the shared one, every port intercepted). */
	uint64_t iopm_pa;
	/* A bzImage (linux_boot.c): its setup header, from file offset
	 * 0x1f1, for boot_params. */
	bool bzimage;
	uint16_t linux_hdr_len;
	uint8_t linux_hdr[0x290 - 0x1f1];
};

#endif
