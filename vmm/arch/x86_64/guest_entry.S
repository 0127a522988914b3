/* Entering an SVM guest and coming back.
 *
 * void svm_run(struct guest_gprs *g): g is a struct vcpu_arch's gprs,
 * G(16) after it its vmcb_pa, G(17) its host_pa.
 *
 * VMRUN saves and restores only part of the host (APM 15.5.1): not the
 * FS/GS bases, TR, LDTR, KernelGsBase and the SYSCALL/SYSENTER MSRs, which
 * VMLOAD/VMSAVE move. The host's, which cvisor never changes after boot,
 * were saved to host_pa once (svm_cpu_enable()); they are loaded back
 * after the guest's are saved: the host's GS base (the per-CPU pointer)
 * is back before anything can use it. GIF is clear from CLGI to STGI;
 * RFLAGS.IF is set before VMRUN so that with V_INTR_MASKING physical
 * interrupts exit the guest (the INTR intercept), and after STGI the one
 * that made it exit is taken here, through the IDT, as the host's own. */
#define G(n) (8 * (n))

	.text
	.global svm_run
svm_run:
	push	%rbp
	push	%rbx
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	push	%rdi                    /* g */
	mov	G(16)(%rdi), %rax       /* vmcb_pa */
	mov	G(1)(%rdi), %rcx
	mov	G(2)(%rdi), %rdx
	mov	G(3)(%rdi), %rbx
	mov	G(5)(%rdi), %rbp
	mov	G(6)(%rdi), %rsi
	mov	G(8)(%rdi), %r8
	mov	G(9)(%rdi), %r9
	mov	G(10)(%rdi), %r10
	mov	G(11)(%rdi), %r11
	mov	G(12)(%rdi), %r12
	mov	G(13)(%rdi), %r13
	mov	G(14)(%rdi), %r14
	mov	G(15)(%rdi), %r15
	mov	G(7)(%rdi), %rdi
	clgi
	sti
	vmload	%rax
	vmrun	%rax
	vmsave	%rax
	/* The guest's registers, but rax and rsp (in the VMCB). */
	push	%rdi
	mov	8(%rsp), %rdi           /* g */
	mov	%rcx, G(1)(%rdi)
	mov	%rdx, G(2)(%rdi)
	mov	%rbx, G(3)(%rdi)
	mov	%rbp, G(5)(%rdi)
	mov	%rsi, G(6)(%rdi)
	mov	%r8, G(8)(%rdi)
	mov	%r9, G(9)(%rdi)
	mov	%r10, G(10)(%rdi)
	mov	%r11, G(11)(%rdi)
	mov	%r12, G(12)(%rdi)
	mov	%r13, G(13)(%rdi)
	mov	%r14, G(14)(%rdi)
	mov	%r15, G(15)(%rdi)
	pop	%rax
	mov	%rax, G(7)(%rdi)
	mov	G(17)(%rdi), %rax       /* host_pa */
	vmload	%rax
	stgi                            /* interrupts that came are taken */
	cli
	pop	%rdi                    /* g */
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%rbx
	pop	%rbp
	ret
