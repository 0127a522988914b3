/* cvisor-config: checks, shows and writes cvisor VM config files.
 *
 *   cvisor-config check FILE...          exit 0 if every file is valid
 *   cvisor-config show FILE              the parsed VM, as TOML
 *   cvisor-config template --arch ARCH   a commented config to start from
 *   cvisor-config paths FILE             images the build must embed
 *   cvisor-config dtb FILE OUT [--gic 2|3] [--host-dtb HOST.dtb]
 *                                        the guest DTB cvisor gives the VM
 *
 * Diagnostics go to stderr as "file:line:col: error|warning: message".
 * Exit status: 0 success, 1 invalid or unreadable config, 2 usage error. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/vm_config.h"
#include <vmm/guest_dtb.h>

#define MAX_FILE_SIZE (1 << 20)

static const char usage_text[] =
	"usage: cvisor-config check FILE...\n"
	"       cvisor-config show FILE\n"
	"       cvisor-config template --arch aarch64|riscv64|x86_64\n"
	"       cvisor-config paths FILE\n"
	"       cvisor-config dtb FILE OUT.dtb [--gic 2|3] [--host-dtb HOST.dtb]\n";

static int usage(const char *why)
{
	if (why)
		fprintf(stderr, "cvisor-config: %s\n", why);
	fputs(usage_text, stderr);
	return 2;
}

/* Reads a whole file into a malloc'd buffer; NULL (reported) on error. */
static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;

	if (!f) {
		fprintf(stderr, "%s: error: %s\n", path, strerror(errno));
		return NULL;
	}
	buf = malloc(MAX_FILE_SIZE + 1);
	*len = buf ? fread(buf, 1, MAX_FILE_SIZE + 1, f) : 0;
	if (buf && (ferror(f) || *len > MAX_FILE_SIZE)) {
		fprintf(stderr, "%s: error: %s\n", path,
			ferror(f) ? strerror(errno) : "file too large");
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

static void print_diag(void *ctx, const struct vmcfg_diag *d)
{
	(void)ctx;
	fprintf(stderr, "%s:%u:%u: %s: %s\n", d->file, d->line, d->col,
		d->severity == VMCFG_SEV_ERROR ? "error" : "warning", d->msg);
}

/* Parses path into cfg: 0 valid, 1 invalid or unreadable. */
static int load(const char *path, struct vm_config *cfg)
{
	static char arena[VMCFG_ARENA_SIZE];
	size_t len;
	char *text = read_file(path, &len);
	int rc;

	if (!text)
		return 1;
	rc = vmcfg_parse(path, text, len, arena, sizeof(arena), cfg, print_diag,
			 NULL);
	free(text);
	return rc ? 1 : 0;
}

static int cmd_check(int argc, char **argv)
{
	static struct vm_config cfg;
	int worst = 0;

	if (argc < 1)
		return usage("check needs at least one FILE");
	for (int i = 0; i < argc; i++) {
		int rc = load(argv[i], &cfg);
		if (rc > worst)
			worst = rc;
	}
	return worst;
}

static void put(void *ctx, const char *s)
{
	fputs(s, ctx);
}

static int cmd_show(int argc, char **argv)
{
	static struct vm_config cfg;
	int rc;

	if (argc != 1)
		return usage("show takes exactly one FILE");
	rc = load(argv[0], &cfg);
	if (rc == 0)
		vmcfg_print(&cfg, put, stdout);
	return rc;
}

static int cmd_paths(int argc, char **argv)
{
	static struct vm_config cfg;
	const char *extra[5];
	int rc;

	if (argc != 1)
		return usage("paths takes exactly one FILE");
	rc = load(argv[0], &cfg);
	if (rc || cfg.image_location != VMCFG_IMAGE_MEMORY)
		return rc;
	puts(cfg.kernel_path);
	extra[0] = cfg.dtb_path;
	extra[1] = cfg.ramdisk_path;
	extra[2] = cfg.bios_path;
	extra[3] = cfg.uefi_firmware_path;
	extra[4] = cfg.disk_path;
	for (int i = 0; i < 5; i++)
		if (extra[i][0])
			puts(extra[i]);
	return 0;
}

/* Reads a whole binary file (at most 'max' bytes); NULL (reported) on
 * error. */
static void *read_blob(const char *path, size_t max, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;

	if (f) {
		buf = malloc(max + 1);
		*len = buf ? fread(buf, 1, max + 1, f) : 0;
		if (!buf || ferror(f) || *len > max) {
			free(buf);
			buf = NULL;
			errno = errno ? errno : EFBIG;
		}
		fclose(f);
	}
	if (!buf)
		fprintf(stderr, "%s: error: %s\n", path, strerror(errno));
	return buf;
}

/* The size of the file at 'path', or -1 (reported). */
static long file_size(const char *path)
{
	FILE *f = fopen(path, "rb");
	long n = -1;

	if (f && fseek(f, 0, SEEK_END) == 0)
		n = ftell(f);
	if (f)
		fclose(f);
	if (n < 0)
		fprintf(stderr, "%s: error: %s\n", path, strerror(errno));
	return n;
}

/* The same guest DTB as the hypervisor writes for this VM (aarch64). */
static int cmd_dtb(int argc, char **argv)
{
	static struct vm_config cfg;
	static uint8_t out[GUEST_DTB_MAX_SIZE];
	struct guest_dtb_input in = { .cfg = &cfg,
				      .plat = &guest_dtb_aarch64,
				      .irqchip_version = 3 };
	void *base = NULL, *host = NULL;
	const char *host_path = NULL;
	int rc;

	if (argc < 2)
		return usage(
			"dtb takes FILE OUT [--gic 2|3] [--host-dtb HOST.dtb]");
	for (int i = 2; i < argc; i += 2) {
		if (i + 1 < argc && !strcmp(argv[i], "--gic") &&
		    (!strcmp(argv[i + 1], "2") || !strcmp(argv[i + 1], "3")))
			in.irqchip_version = (unsigned)atoi(argv[i + 1]);
		else if (i + 1 < argc && !strcmp(argv[i], "--host-dtb"))
			host_path = argv[i + 1];
		else
			return usage(
				"dtb takes FILE OUT [--gic 2|3] [--host-dtb HOST.dtb]");
	}
	if ((rc = load(argv[0], &cfg)))
		return rc;
	for (uint32_t i = 0; i < cfg.cpu_num; i++)
		in.cpu_hwid[i] = i; /* as vcpu_arch_hwid() on aarch64 */
	if (cfg.ramdisk_path[0]) {
		long n = file_size(cfg.ramdisk_path);
		if (n < 0)
			return 1;
		in.initrd_start = cfg.ramdisk_load_addr;
		in.initrd_end = cfg.ramdisk_load_addr + (uint64_t)n;
	}
	if (cfg.dtb_path[0] &&
	    !(in.base = base = read_blob(cfg.dtb_path, GUEST_DTB_MAX_SIZE,
					 &in.base_size)))
		return 1;
	if (host_path &&
	    !(in.host = host = read_blob(host_path, 1 << 20, &in.host_size))) {
		free(base);
		return 1;
	}
	int size = guest_dtb_build(&in, out, sizeof(out));
	free(base);
	free(host);
	if (size < 0) {
		fprintf(stderr, "%s: error: device tree%s%s: %s\n", argv[0],
			cfg.dtb_path[0] ? " " : "", cfg.dtb_path,
			guest_dtb_strerror(size));
		return 1;
	}
	FILE *f = fopen(argv[1], "wb");
	if (!f || fwrite(out, 1, (size_t)size, f) != (size_t)size ||
	    fclose(f)) {
		fprintf(stderr, "%s: error: %s\n", argv[1], strerror(errno));
		return 1;
	}
	return 0;
}

/* Per-arch numbers for the template: a VM shaped like QEMU's virt/PC. */
struct arch_template {
	const char *arch, *kernel, *cmdline, *notes;
	unsigned long long ram, ram_size, kernel_addr, dtb_addr;
	const char *cpu_ids_comment;
};

static const struct arch_template templates[] = {
	{ "aarch64", "build/images/linux-aarch64/Image",
	  "console=ttyAMA0 earlycon",
	  "PL011 at 0x0900_0000, GICD 0x0800_0000, "
	  "GICR 0x080A_0000",
	  0x40000000ULL, 0x10000000ULL, 0x40200000ULL, 0x4f000000ULL,
	  "MPIDR affinity of the pCPU" },
	{ "riscv64", "build/images/linux-riscv64/Image",
	  "console=ttyS0 earlycon=sbi", "UART at 0x1000_0000, PLIC 0x0C00_0000",
	  0x80000000ULL, 0x10000000ULL, 0x80200000ULL, 0x8f000000ULL,
	  "hart id of the pCPU" },
	{ "x86_64", "build/images/linux-x86_64/bzImage",
	  "console=ttyS0 earlyprintk=serial",
	  "16550 at port 0x3F8, LAPIC "
	  "0xFEE0_0000, IOAPIC 0xFEC0_0000",
	  0x0ULL, 0x10000000ULL, 0x100000ULL, 0ULL, "APIC id of the pCPU" },
};

/* 0x4020_0000 style, as AxVisor's files write addresses. */
static const char *hex_(unsigned long long v, char *buf)
{
	char digits[32];
	int n = snprintf(digits, sizeof(digits), "%llx", v), o = 2;

	memcpy(buf, "0x", 2);
	for (int i = 0; i < n; i++) {
		if (i && (n - i) % 4 == 0)
			buf[o++] = '_';
		buf[o++] = digits[i];
	}
	buf[o] = '\0';
	return buf;
}

static void template_base(const struct arch_template *t)
{
	printf("# cvisor VM config for %s (see docs/config.md).\n"
	       "# The VM looks like QEMU's machine for %s: %s.\n\n",
	       t->arch, t->arch, t->notes);
	printf("[base]\n"
	       "id = 1                      # unique VM id (any u64)\n"
	       "name = \"linux-%s\"\n"
	       "vm_type = 2                 # 0 host, 1 RTOS, 2 Linux "
	       "(informational)\n"
	       "cpu_num = 1                 # vCPUs (1..16)\n"
	       "phys_cpu_ids = [0x0]        # per vCPU: %s\n"
	       "# phys_cpu_sets = [0x1]     # or: a mask of allowed pCPUs per "
	       "vCPU\n\n",
	       t->arch, t->cpu_ids_comment);
}

static void template_kernel(const struct arch_template *t)
{
	char a[32], b[32];

	printf("[kernel]\n"
	       "entry_point = %s\n"
	       "image_location = \"memory\"  # \"memory\": embedded at build "
	       "time; \"fs\": read from the FAT32 disk\n"
	       "kernel_path = \"%s\"\n"
	       "kernel_load_addr = %s\n",
	       hex_(t->kernel_addr, a), t->kernel, hex_(t->kernel_addr, b));
	if (t->dtb_addr)
		printf("dtb_path = \"\"               # empty: cvisor writes "
		       "the guest DTB itself\n"
		       "dtb_load_addr = %s\n",
		       hex_(t->dtb_addr, a));
	printf("ramdisk_path = \"\"           # optional initrd\n"
	       "ramdisk_load_addr = 0\n"
	       "# AxVisor's boot flows: \"direct\" enters the kernel; "
	       "\"multiboot\" (x86 BIOS)\n"
	       "# and \"uefi\" (firmware at bios_load_addr) need "
	       "enable_bios = true and are\n"
	       "# refused on aarch64 (docs/config.md)\n"
	       "enable_bios = false\n"
	       "boot_protocol = \"direct\"\n"
	       "# uefi_firmware_path = \"\"    # with \"uefi\": the "
	       "firmware image (OVMF_CODE.fd)\n"
	       "cmdline = \"%s\"\n"
	       "# [gpa, size, flags (R=1 W=2 X=4 USER=8 DEVICE=16), map_type "
	       "(0 alloc, 1 identical, 2 reserved)]\n"
	       "memory_regions = [\n"
	       "    [%s, %s, 0x7, 0],   # %llu MiB of RAM\n"
	       "]\n\n",
	       t->cmdline, hex_(t->ram, a), hex_(t->ram_size, b),
	       t->ram_size >> 20);
}

static void template_devices(void)
{
	printf("[devices]\n"
	       "interrupt_mode = \"emulated\"  # \"no_irq\" | \"emulated\" "
	       "(\"emu\") | \"passthrough\" (\"pt\")\n"
	       "# [name, base_gpa, length, irq, emu_type, [config...]]\n"
	       "emu_devices = []\n"
	       "# [name, base_gpa, base_hpa, length, irq] or "
	       "[\"/dt/node/path\"]\n"
	       "passthrough_devices = []\n"
	       "# [gpa, length]\n"
	       "passthrough_addresses = []\n"
	       "# [\"/dt/node/path\"] of host devices kept from the guest\n"
	       "excluded_devices = []\n"
	       "# [base_port, count] of host I/O ports (x86; refused on "
	       "aarch64)\n"
	       "passthrough_ports = []\n");
}

static int cmd_template(int argc, char **argv)
{
	if (argc != 2 || strcmp(argv[0], "--arch"))
		return usage("template needs --arch ARCH");
	for (size_t i = 0; i < sizeof(templates) / sizeof(templates[0]); i++) {
		if (strcmp(argv[1], templates[i].arch))
			continue;
		template_base(&templates[i]);
		template_kernel(&templates[i]);
		template_devices();
		return 0;
	}
	return usage("unknown --arch (aarch64, riscv64 or x86_64)");
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage(NULL);
	if (!strcmp(argv[1], "check"))
		return cmd_check(argc - 2, argv + 2);
	if (!strcmp(argv[1], "show"))
		return cmd_show(argc - 2, argv + 2);
	if (!strcmp(argv[1], "template"))
		return cmd_template(argc - 2, argv + 2);
	if (!strcmp(argv[1], "paths"))
		return cmd_paths(argc - 2, argv + 2);
	if (!strcmp(argv[1], "dtb"))
		return cmd_dtb(argc - 2, argv + 2);
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		fputs(usage_text, stdout);
		return 0;
	}
	return usage("unknown command");
}
