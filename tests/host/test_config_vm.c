/* Unit tests of the VM config schema (config/vm_config.c): one test per
 * error code, positions in messages, defaults, and print round trips. */
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>

#include "config/vm_config.h"
#include "unit.h"

#define MAX_DIAGS 32

struct diags {
	int n, errors, warnings;
	int code[MAX_DIAGS];
	uint32_t line[MAX_DIAGS], col[MAX_DIAGS];
	char msg[MAX_DIAGS][256];
	char file[64];
};

static void record(void *ctx, const struct vmcfg_diag *d)
{
	struct diags *r = ctx;

	if (d->severity == VMCFG_SEV_ERROR)
		r->errors++;
	else
		r->warnings++;
	if (r->n == MAX_DIAGS)
		return;
	r->code[r->n] = d->code;
	r->line[r->n] = d->line;
	r->col[r->n] = d->col;
	snprintf(r->msg[r->n], sizeof(r->msg[0]), "%s", d->msg);
	snprintf(r->file, sizeof(r->file), "%s", d->file);
	r->n++;
}

static char arena[VMCFG_ARENA_SIZE];
static struct vm_config cfg;
static struct diags diags;

static int run(const char *text)
{
	memset(&diags, 0, sizeof(diags));
	return vmcfg_parse("vm.toml", text, strlen(text), arena, sizeof(arena),
			   &cfg, record, &diags);
}

/* A valid config with the three sections' bodies replaced; [base] is
 * line 1, so a base key given first is on line 2. */
static const char BASE[] = "id = 1\nname = \"t\"\ncpu_num = 1\n";
static const char KERNEL[] =
	"entry_point = 0x4008_0000\nimage_location = \"memory\"\n"
	"kernel_path = \"k.bin\"\nkernel_load_addr = 0x4008_0000\n"
	"memory_regions = [[0x4000_0000, 0x1000_0000, 0x7, 0]]\n";

static int run3(const char *base, const char *kernel, const char *devices)
{
	static char buf[8192];

	snprintf(buf, sizeof(buf), "[base]\n%s[kernel]\n%s[devices]\n%s", base,
		 kernel, devices);
	return run(buf);
}

static void dump(void)
{
	for (int i = 0; i < diags.n; i++)
		printf("    %u:%u: [%d] %s\n", diags.line[i], diags.col[i],
		       diags.code[i], diags.msg[i]);
}

/* The run must have produced an error code at line:col whose message
 * contains what. */
static void has(int code, uint32_t line, uint32_t col, const char *what)
{
	for (int i = 0; i < diags.n; i++)
		if (diags.code[i] == code && diags.line[i] == line &&
		    diags.col[i] == col && strstr(diags.msg[i], what))
			return;
	printf("  no diagnostic %d at %u:%u containing \"%s\"; got:\n", code,
	       line, col, what);
	dump();
	CHECK(0);
}

/* Exactly one error, code, at line:col. */
static void only_error(int rc, int code, uint32_t line, uint32_t col,
		       const char *what)
{
	CHECK_EQ_INT(rc, code);
	CHECK_EQ_INT(diags.errors, 1);
	has(code, line, col, what);
}

struct text {
	char buf[65536];
	size_t len;
};

static void append(void *ctx, const char *s)
{
	struct text *t = ctx;
	size_t n = strlen(s);

	CHECK(n < 128);
	if (n < sizeof(t->buf) - t->len) {
		memcpy(t->buf + t->len, s, n + 1);
		t->len += n;
	}
}

/* Where emu_devices entries were written is not part of the config. */
static void forget_positions(struct vm_config *c)
{
	for (uint32_t i = 0; i < c->emu_device_count; i++)
		c->emu_devices[i].line = c->emu_devices[i].col = 0;
}

/* cfg, printed and parsed again, must be the same struct. */
static void round_trip(void)
{
	static struct vm_config first;
	static struct text out;

	first = cfg;
	out.len = 0;
	vmcfg_print(&first, append, &out);
	CHECK_EQ_INT(run(out.buf), 0);
	CHECK_EQ_INT(diags.n, 0);
	forget_positions(&first);
	forget_positions(&cfg);
	CHECK(!memcmp(&first, &cfg, sizeof(cfg)));
}

/* ------------------------------------------------------------ positive */

UNIT_TEST(vmcfg_minimal_and_defaults)
{
	int rc = run3(BASE, KERNEL, "");

	if (rc)
		dump();
	CHECK_EQ_INT(rc, 0);
	CHECK_EQ_INT(diags.n, 0);
	CHECK_EQ_INT(cfg.id, 1);
	CHECK_EQ_STR(cfg.name, "t");
	CHECK_EQ_INT(cfg.vm_type, 1);
	CHECK_EQ_INT(cfg.cpu_num, 1);
	CHECK_EQ_INT(cfg.phys_cpu_ids_count, 0);
	CHECK_EQ_INT(cfg.image_location, VMCFG_IMAGE_MEMORY);
	CHECK_EQ_STR(cfg.kernel_path, "k.bin");
	CHECK_EQ_INT(cfg.kernel_load_addr, 0x40080000);
	CHECK_EQ_STR(cfg.dtb_path, "");
	CHECK(!cfg.has_dtb_load_addr && !cfg.has_ramdisk_load_addr);
	CHECK_EQ_INT(cfg.region_count, 1);
	CHECK_EQ_INT(cfg.regions[0].size, 0x10000000);
	CHECK_EQ_INT(cfg.regions[0].flags, 7);
	CHECK_EQ_INT(cfg.regions[0].map_type, VMCFG_MAP_ALLOC);
	CHECK_EQ_INT(cfg.interrupt_mode, VMCFG_IRQ_DEFAULT);
	CHECK_EQ_INT(cfg.emu_device_count + cfg.pt_device_count, 0);
	/* No [devices] at all is fine too. */
	CHECK_EQ_INT(run("[base]\nid = 0\nname = \"x\"\ncpu_num = 1\n"
			 "[kernel]\nentry_point = 0\nimage_location = \"fs\"\n"
			 "kernel_path = \"k\"\nkernel_load_addr = 0\n"
			 "memory_regions = [[0, 0x1000, 7, 1]]\n"),
		     0);
	CHECK_EQ_INT(cfg.id, 0);
	CHECK_EQ_INT(cfg.image_location, VMCFG_IMAGE_FS);
}

UNIT_TEST(vmcfg_full)
{
	int rc = run3(
		"id = 0x7fff_ffff_ffff_ffff\nname = \"linux\"\nvm_type = 2\n"
		"cpu_num = 2\nphys_cpu_ids = [0x0, 0x100]\n"
		"phys_cpu_sets = [1, 6]\n",
		"entry_point = 0x4020_0000\nimage_location = \"memory\"\n"
		"kernel_path = \"Image\"\nkernel_load_addr = 0x4020_0000\n"
		"dtb_path = \"g.dtb\"\ndtb_load_addr = 0x4f00_0000\n"
		"ramdisk_path = \"initrd\"\nramdisk_load_addr = 0x4800_0000\n"
		"bios_path = \"\"\nbios_load_addr = 0\n"
		"cmdline = \"console=ttyAMA0 root=/dev/vda\"\n"
		"disk_path = \"disk.img\"\n"
		"memory_regions = [\n  [0x4000_0000, 0x1000_0000, 0x7, 0],\n"
		"  [0x0900_0000, 0x1000, 0xf, 2], # uart\n]\n",
		"interrupt_mode = \"pt\"\n"
		"emu_devices = [[\"gicd\", 0x800_0000, 0x1_0000, 0, 0x21, []],\n"
		"  [\"gicr\", 0x80a_0000, 0x2_0000, 0, 0x20, [1, 0x2_0000, 0]],\n"
		"  [\"noconf\", 0x1000, 0x1000, 3, 0xa]]\n"
		"passthrough_devices = [[\"/\",], [\"uart\", 0x1000_0000, "
		"0x2000_0000, 0x1000, 33]]\n"
		"passthrough_addresses = [[0x2800_0000, 0x100_0000]]\n"
		"excluded_devices = [[\"/pcie@10000000\"]]\n");

	if (rc)
		dump();
	CHECK_EQ_INT(rc, 0);
	CHECK(cfg.id == (uint64_t)INT64_MAX);
	CHECK_EQ_INT(cfg.vm_type, 2);
	CHECK_EQ_INT(cfg.phys_cpu_ids_count, 2);
	CHECK_EQ_INT(cfg.phys_cpu_ids[1], 0x100);
	CHECK_EQ_INT(cfg.phys_cpu_sets[1], 6);
	CHECK_EQ_STR(cfg.dtb_path, "g.dtb");
	CHECK(cfg.has_dtb_load_addr && cfg.dtb_load_addr == 0x4f000000);
	CHECK(cfg.has_ramdisk_load_addr && cfg.has_bios_load_addr);
	CHECK_EQ_STR(cfg.cmdline, "console=ttyAMA0 root=/dev/vda");
	CHECK_EQ_STR(cfg.disk_path, "disk.img");
	CHECK_EQ_INT(cfg.region_count, 2);
	CHECK_EQ_INT(cfg.regions[1].map_type, VMCFG_MAP_RESERVED);
	CHECK_EQ_INT(cfg.interrupt_mode, VMCFG_IRQ_PASSTHROUGH);
	CHECK_EQ_INT(cfg.emu_device_count, 3);
	CHECK_EQ_STR(cfg.emu_devices[1].name, "gicr");
	CHECK_EQ_INT(cfg.emu_devices[1].emu_type, 0x20);
	CHECK_EQ_INT(cfg.emu_devices[1].cfg_count, 3);
	CHECK_EQ_INT(cfg.emu_devices[1].cfg[1], 0x20000);
	CHECK_EQ_INT(cfg.emu_devices[2].cfg_count, 0);
	CHECK_EQ_INT(cfg.pt_device_count, 2);
	CHECK(cfg.pt_devices[0].is_dt_path);
	CHECK_EQ_STR(cfg.pt_devices[0].name, "/");
	CHECK(!cfg.pt_devices[1].is_dt_path);
	CHECK_EQ_INT(cfg.pt_devices[1].base_hpa, 0x20000000);
	CHECK_EQ_INT(cfg.pt_devices[1].irq, 33);
	CHECK_EQ_INT(cfg.pt_address_count, 1);
	CHECK_EQ_INT(cfg.pt_addresses[0].length, 0x1000000);
	CHECK_EQ_INT(cfg.excluded_count, 1);
	CHECK_EQ_STR(cfg.excluded_devices[0], "/pcie@10000000");
}

UNIT_TEST(vmcfg_interrupt_mode_aliases)
{
	static const struct {
		const char *name;
		enum vmcfg_irq_mode mode;
	} cases[] = {
		{ "no_irq", VMCFG_IRQ_NO_IRQ },
		{ "emulated", VMCFG_IRQ_EMULATED },
		{ "emu", VMCFG_IRQ_EMULATED },
		{ "passthrough", VMCFG_IRQ_PASSTHROUGH },
		{ "pt", VMCFG_IRQ_PASSTHROUGH },
	};
	char dev[64];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(dev, sizeof(dev), "interrupt_mode = \"%s\"\n",
			 cases[i].name);
		CHECK_EQ_INT(run3(BASE, KERNEL, dev), 0);
		CHECK_EQ_INT(cfg.interrupt_mode, cases[i].mode);
	}
}

UNIT_TEST(vmcfg_strerror_all)
{
	for (int c = VMCFG_ERR_BASE; c < VMCFG_ERR_END; c++)
		CHECK(strcmp(vmcfg_strerror(c), "unknown error"));
	CHECK_EQ_STR(vmcfg_strerror(TOML_ERR_DUPLICATE_KEY), "duplicate key");
	CHECK_EQ_STR(vmcfg_strerror(VMCFG_ERR_END), "unknown error");
	CHECK_EQ_STR(vmcfg_strerror(-1), "unknown error");
	CHECK_EQ_STR(vmcfg_strerror(0), "success");
}

/* ------------------------------------------------------------ errors */

UNIT_TEST(vmcfg_err_syntax)
{
	int rc = run3("id = 1\nname = \"t\ncpu_num = 1\n", KERNEL, "");

	only_error(rc, TOML_ERR_UNTERMINATED_STRING, 3, 8, "unterminated");
	CHECK_EQ_STR(diags.file, "vm.toml");
	CHECK_EQ_INT(run3(BASE, "entry_point = 0x8000_0000_0000_0000\n", ""),
		     TOML_ERR_INT_OVERFLOW);
	has(TOML_ERR_INT_OVERFLOW, 6, 15, "64 bits");
}

UNIT_TEST(vmcfg_err_nomem)
{
	static const char text[] = "[base]\nid = 1\n";

	memset(&diags, 0, sizeof(diags));
	CHECK_EQ_INT(vmcfg_parse("f", text, sizeof(text) - 1, arena, 64, &cfg,
				 record, &diags),
		     TOML_ERR_NOMEM);
	CHECK_EQ_INT(diags.errors, 1);
}

UNIT_TEST(vmcfg_err_type)
{
	only_error(run3("id = \"1\"\nname = \"t\"\ncpu_num = 1\n", KERNEL, ""),
		   VMCFG_ERR_TYPE, 2, 6,
		   "base.id: expected integer, found string");
	only_error(run3(BASE, KERNEL, "emu_devices = {}\n"), VMCFG_ERR_TYPE, 12,
		   15, "expected array, found table");
	only_error(run3("id = 1\nname = 1.5\ncpu_num = 1\n", KERNEL, ""),
		   VMCFG_ERR_TYPE, 3, 8, "found float");
	CHECK_EQ_INT(run("base = 1\n[kernel]\n"), VMCFG_ERR_TYPE);
	has(VMCFG_ERR_TYPE, 1, 8, "[base] must be a table");
	only_error(run3(BASE,
			"entry_point = 0x4008_0000\nimage_location = "
			"\"memory\"\nkernel_path = \"k\"\nkernel_load_addr = "
			"0x4008_0000\nmemory_regions = [[0x4000_0000, 0x1000]]\n",
			""),
		   VMCFG_ERR_TYPE, 10, 19, "[gpa, size, flags, map_type]");
	only_error(run3(BASE, KERNEL, "dma_passthrough = \"rtc\"\n"),
		   VMCFG_ERR_TYPE, 12, 19,
		   "devices.dma_passthrough: expected array, found string");
	only_error(run3(BASE, KERNEL, "dma_passthrough = [[\"rtc\"]]\n"),
		   VMCFG_ERR_TYPE, 12, 20,
		   "devices.dma_passthrough[0]: expected string, found array");
}

UNIT_TEST(vmcfg_err_missing)
{
	int rc = run("[base]\nname = \"x\"\n[kernel]\nkernel_path = \"k\"\n");

	CHECK_EQ_INT(rc, VMCFG_ERR_MISSING);
	has(VMCFG_ERR_MISSING, 1, 2, "base.id");
	has(VMCFG_ERR_MISSING, 1, 2, "base.cpu_num");
	has(VMCFG_ERR_MISSING, 3, 2, "kernel.entry_point");
	has(VMCFG_ERR_MISSING, 3, 2, "kernel.image_location");
	has(VMCFG_ERR_MISSING, 3, 2, "kernel.kernel_load_addr");
	has(VMCFG_ERR_MISSING, 3, 2, "kernel.memory_regions");
	CHECK_EQ_INT(diags.errors, 6);
	/* An empty file: everything missing, reported at 1:1. */
	CHECK_EQ_INT(run(""), VMCFG_ERR_MISSING);
	CHECK_EQ_INT(diags.errors, 8);
	has(VMCFG_ERR_MISSING, 1, 1, "kernel.kernel_path");
}

UNIT_TEST(vmcfg_err_range)
{
	only_error(run3("id = -1\nname = \"t\"\ncpu_num = 1\n", KERNEL, ""),
		   VMCFG_ERR_RANGE, 2, 6, "must not be negative");
	only_error(run3("id = 1\nname = \"t\"\ncpu_num = 0\n", KERNEL, ""),
		   VMCFG_ERR_RANGE, 4, 11, "at least 1");
	only_error(run3("id = 1\nname = \"t\"\ncpu_num = 17\n", KERNEL, ""),
		   VMCFG_ERR_RANGE, 4, 11, "17 is above the maximum 16");
	only_error(run3("id = 1\nname = \"t\"\ncpu_num = 1\nvm_type = 3\n",
			KERNEL, ""),
		   VMCFG_ERR_RANGE, 5, 11, "maximum 2");
	only_error(run3(BASE,
			"entry_point = -4\nimage_location = \"fs\"\n"
			"kernel_path = \"k\"\nkernel_load_addr = 0x4000_0000\n"
			"memory_regions = [[0x4000_0000, 0x1000, 7, 0]]\n",
			""),
		   VMCFG_ERR_RANGE, 6, 15, "kernel.entry_point");
}

UNIT_TEST(vmcfg_err_string)
{
	static char base[512];

	only_error(run3("id = 1\nname = \"\"\ncpu_num = 1\n", KERNEL, ""),
		   VMCFG_ERR_STRING, 3, 8, "must not be empty");
	snprintf(base, sizeof(base), "id = 1\nname = \"%064d\"\ncpu_num = 1\n",
		 0);
	only_error(run3(base, KERNEL, ""), VMCFG_ERR_STRING, 3, 8,
		   "too long (64 bytes, at most 63)");
	only_error(run3("id = 1\nname = \"a\\u0000b\"\ncpu_num = 1\n", KERNEL,
			""),
		   VMCFG_ERR_STRING, 3, 8, "NUL");
	only_error(run3(BASE,
			"entry_point = 0\nimage_location = \"fs\"\n"
			"kernel_path = \"a\\nb\"\nkernel_load_addr = 0\n"
			"memory_regions = [[0, 0x1000, 7, 0]]\n",
			""),
		   VMCFG_ERR_STRING, 8, 15, "control character");
	only_error(run3(BASE, KERNEL, "excluded_devices = [[\"\"]]\n"),
		   VMCFG_ERR_STRING, 12, 22, "must not be empty");
	only_error(run3(BASE, KERNEL, "dma_passthrough = [\"\"]\n"),
		   VMCFG_ERR_STRING, 12, 20,
		   "devices.dma_passthrough[0]: must not be empty");
}

UNIT_TEST(vmcfg_err_too_many)
{
	static char dev[4096];
	int n = snprintf(dev, sizeof(dev), "passthrough_addresses = [");

	for (int i = 0; i <= VMCFG_MAX_DEVICES; i++)
		n += snprintf(dev + n, sizeof(dev) - (size_t)n,
			      "[0x%x, 0x1000], ", 0x10000 * (i + 1));
	snprintf(dev + n, sizeof(dev) - (size_t)n, "]\n");
	only_error(run3(BASE, KERNEL, dev), VMCFG_ERR_TOO_MANY, 12, 25,
		   "33 entries, at most 32");
	only_error(run3("id = 1\nname = \"t\"\ncpu_num = 1\nphys_cpu_ids = "
			"[0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16]\n",
			KERNEL, ""),
		   VMCFG_ERR_TOO_MANY, 5, 16, "at most 16");
}

UNIT_TEST(vmcfg_err_cpu_count)
{
	only_error(run3("id = 1\nname = \"t\"\ncpu_num = 2\nphys_cpu_ids = [0]\n",
			KERNEL, ""),
		   VMCFG_ERR_CPU_COUNT, 5, 16,
		   "phys_cpu_ids has 1 entries but cpu_num is 2");
	only_error(run3("id = 1\nname = \"t\"\ncpu_num = 1\n"
			"phys_cpu_sets = [1, 2]\n",
			KERNEL, ""),
		   VMCFG_ERR_CPU_COUNT, 5, 17, "phys_cpu_sets has 2");
}

UNIT_TEST(vmcfg_err_empty_cpu_set)
{
	only_error(run3("id = 1\nname = \"t\"\ncpu_num = 2\n"
			"phys_cpu_sets = [1, 0]\n",
			KERNEL, ""),
		   VMCFG_ERR_EMPTY_CPU_SET, 5, 21, "phys_cpu_sets[1]");
}

UNIT_TEST(vmcfg_err_image_location)
{
	only_error(run3(BASE,
			"entry_point = 0x4008_0000\nimage_location = "
			"\"disk\"\nkernel_path = \"k\"\nkernel_load_addr = "
			"0x4008_0000\nmemory_regions = [[0x4000_0000, 0x100_0000, "
			"7, 0]]\n",
			""),
		   VMCFG_ERR_IMAGE_LOCATION, 7, 18, "\"memory\" or \"fs\"");
}

UNIT_TEST(vmcfg_err_interrupt_mode)
{
	only_error(run3(BASE, KERNEL, "interrupt_mode = \"msi\"\n"),
		   VMCFG_ERR_INTERRUPT_MODE, 12, 18, "no_irq");
}

/* KERNEL with its memory_regions line replaced. */
static int run_regions(const char *regions)
{
	static char kernel[1024];

	snprintf(kernel, sizeof(kernel),
		 "entry_point = 0x4008_0000\nimage_location = \"memory\"\n"
		 "kernel_path = \"k\"\nkernel_load_addr = 0x4008_0000\n"
		 "memory_regions = %s\n",
		 regions);
	return run3(BASE, kernel, "");
}

UNIT_TEST(vmcfg_err_map_type)
{
	only_error(run_regions("[[0x4000_0000, 0x1000_0000, 7, 3]]"),
		   VMCFG_ERR_MAP_TYPE, 10, 49, "map_type 3");
}

UNIT_TEST(vmcfg_err_region_flags)
{
	only_error(run_regions("[[0x4000_0000, 0x1000_0000, 0x27, 0]]"),
		   VMCFG_ERR_REGION_FLAGS, 10, 46, "unknown flag bits 0x20");
}

UNIT_TEST(vmcfg_err_region_empty)
{
	CHECK_EQ_INT(run_regions("[[0x4000_0000, 0x1000_0000, 7, 0], "
				 "[0x9000_0000, 0, 7, 0]]"),
		     VMCFG_ERR_REGION_EMPTY);
	has(VMCFG_ERR_REGION_EMPTY, 10, 67, "memory_regions[1]: size is 0");
}

UNIT_TEST(vmcfg_err_region_wrap)
{
	CHECK_EQ_INT(run_regions("[[0x4000_0000, 0x1000_0000, 7, 0], "
				 "[0x7fff_ffff_ffff_0000, 0x1_0001, 7, 0]]"),
		     VMCFG_ERR_REGION_WRAP);
	has(VMCFG_ERR_REGION_WRAP, 10, 54, "wraps");
	/* Ending exactly at 2^63 is fine. */
	CHECK_EQ_INT(run_regions("[[0x4000_0000, 0x1000_0000, 7, 0], "
				 "[0x7fff_ffff_ffff_0000, 0x1_0000, 7, 0]]"),
		     0);
}

UNIT_TEST(vmcfg_err_region_overlap)
{
	only_error(run_regions("[[0x4000_0000, 0x1000_0000, 7, 0],\n"
			       "  [0x4fff_f000, 0x2000, 7, 0]]"),
		   VMCFG_ERR_REGION_OVERLAP, 11, 3,
		   "kernel.memory_regions[1] [0x4ffff000, 0x50001000) (alloc) "
		   "overlaps memory_regions[0] [0x40000000, 0x50000000) (alloc): "
		   "a guest address has one backing; merge them into one entry");
	/* Touching is not overlapping. */
	CHECK_EQ_INT(run_regions("[[0x4000_0000, 0x1000_0000, 7, 0], "
				 "[0x5000_0000, 0x1000, 7, 0]]"),
		     0);
	/* A MAP_ALLOC scratch MiB on a MAP_IDENTICAL region (AxVisor's
	 * qemu-x86_64 Linux config): two backings for one address. */
	only_error(run_regions("[[0x4000_0000, 0x0800_0000, 7, 1],\n"
			       "  [0x4000_0000, 0x0010_0000, 7, 0]]"),
		   VMCFG_ERR_REGION_OVERLAP, 11, 3,
		   "memory_regions[1] [0x40000000, 0x40100000) (alloc) overlaps "
		   "memory_regions[0] [0x40000000, 0x48000000) (identical): a "
		   "guest address has one backing; split memory_regions[0] "
		   "around this entry, or delete this entry");
	/* The same range with other flags is no repeat either. */
	only_error(run_regions("[[0x4000_0000, 0x1000_0000, 7, 0],\n"
			       "  [0x4000_0000, 0x1000_0000, 3, 0]]"),
		   VMCFG_ERR_REGION_OVERLAP, 11, 3,
		   "(alloc): a guest address "
		   "has one backing; split memory_regions[0] around this entry");
	/* A later region of the same kind around an earlier one is not
	 * dropped: merging them is the user's call. */
	only_error(run_regions("[[0x4800_0000, 0x0100_0000, 7, 1],\n"
			       "  [0x4000_0000, 0x1000_0000, 7, 1]]"),
		   VMCFG_ERR_REGION_OVERLAP, 11, 3,
		   "(identical): a guest address has one backing; merge them");
	only_error(run_regions("[[0x4000_0000, 0x1000_0000, 7, 0],\n"
			       "  [0x4800_0000, 0x1000_0000, 7, 2]]"),
		   VMCFG_ERR_REGION_OVERLAP, 11, 3,
		   "(reserved) overlaps memory_regions[0] [0x40000000, "
		   "0x50000000) (alloc): a guest address has one backing; "
		   "shrink or move one of them");
}

/* A region inside an earlier one of the same flags and map_type adds
 * nothing: kept once, with a warning at the entry (AxVisor's rdk-s100
 * Linux config lists its RAM three times). */
UNIT_TEST(vmcfg_warn_region_redundant)
{
	int rc = run_regions("[\n"
			     "  [0x4000_0000, 0x1000_0000, 7, 1],\n"
			     "  [0x4000_0000, 0x1000_0000, 7, 1],\n"
			     "  [0x4000_0000, 0x0800_0000, 7, 1],\n"
			     "]");

	if (rc)
		dump();
	CHECK_EQ_INT(rc, 0);
	CHECK_EQ_INT(diags.errors, 0);
	CHECK_EQ_INT(diags.warnings, 2);
	has(VMCFG_WARN_REGION_REDUNDANT, 12, 3,
	    "kernel.memory_regions[1] repeats memory_regions[0] [0x40000000, "
	    "0x50000000) with the same flags and map_type: ignored; delete it");
	has(VMCFG_WARN_REGION_REDUNDANT, 13, 3,
	    "kernel.memory_regions[2] [0x40000000, 0x48000000) lies inside "
	    "memory_regions[0] [0x40000000, 0x50000000)");
	CHECK_EQ_INT(cfg.region_count, 1);
	CHECK_EQ_INT(cfg.regions[0].size, 0x10000000);
	round_trip();
	/* MAP_ALLOC too: fresh memory at those addresses either way. */
	CHECK_EQ_INT(run_regions("[[0x4000_0000, 0x1000_0000, 7, 0], "
				 "[0x4000_0000, 0x1000_0000, 7, 0]]"),
		     0);
	CHECK_EQ_INT(diags.warnings, 1);
	has(VMCFG_WARN_REGION_REDUNDANT, 10, 53, "memory_regions[1] repeats");
	/* Messages name entries as the file numbers them, dropped ones
	 * included. */
	CHECK_EQ_INT(run_regions("[[0x4000_0000, 0x100_0000, 7, 0], "
				 "[0x4000_0000, 0x100_0000, 7, 0],\n"
				 "  [0x5000_0000, 0x100_0000, 7, 0],\n"
				 "  [0x5080_0000, 0x100_0000, 7, 1]]"),
		     VMCFG_ERR_REGION_OVERLAP);
	has(VMCFG_ERR_REGION_OVERLAP, 12, 3,
	    "kernel.memory_regions[3] "
	    "[0x50800000, 0x51800000) (identical) overlaps memory_regions[2]");
	CHECK_EQ_INT(diags.errors, 1);
}

UNIT_TEST(vmcfg_err_addr_outside)
{
	int rc = run3(BASE,
		      "entry_point = 0x3000_0000\nimage_location = \"memory\"\n"
		      "kernel_path = \"k\"\nkernel_load_addr = 0x5000_0000\n"
		      "dtb_load_addr = 0x6000_0000\n"
		      "ramdisk_path = \"r\"\nramdisk_load_addr = 0\n"
		      "bios_path = \"b\"\nbios_load_addr = 0x4fff_ffff\n"
		      "memory_regions = [[0x4000_0000, 0x1000_0000, 7, 0]]\n",
		      "");

	CHECK_EQ_INT(rc, VMCFG_ERR_ADDR_OUTSIDE);
	CHECK_EQ_INT(diags.errors, 4);
	has(VMCFG_ERR_ADDR_OUTSIDE, 6, 15, "kernel.entry_point 0x30000000");
	has(VMCFG_ERR_ADDR_OUTSIDE, 9, 20, "kernel_load_addr");
	has(VMCFG_ERR_ADDR_OUTSIDE, 10, 17, "dtb_load_addr");
	has(VMCFG_ERR_ADDR_OUTSIDE, 12, 21, "ramdisk_load_addr");
	/* Unused zero addresses are not checked (AxVisor's "unset"). */
	CHECK_EQ_INT(run3(BASE,
			  "entry_point = 0x4008_0000\nimage_location = "
			  "\"memory\"\nkernel_path = \"k\"\nkernel_load_addr = "
			  "0x4008_0000\ndtb_load_addr = 0\nramdisk_load_addr = 0\n"
			  "memory_regions = [[0x4000_0000, 0x100_0000, 7, 0]]\n",
			  ""),
		     0);
}

UNIT_TEST(vmcfg_err_device)
{
	static const struct {
		const char *dev;
		uint32_t col;
		const char *what;
	} cases[] = {
		{ "emu_devices = [[\"x\", 0x1000, 0x1000, 1]]", 16,
		  "emu_devices[0]: expected [name" },
		{ "emu_devices = [[1, 0x1000, 0x1000, 1, 1]]", 17,
		  "first field must be a string" },
		{ "emu_devices = [[\"x\", -1, 0x1000, 1, 1]]", 22, "base_gpa" },
		{ "emu_devices = [[\"x\", 0x1000, 0, 1, 1]]", 16,
		  "length is 0" },
		{ "emu_devices = [[\"x\", 0x1000, 1, 0x1_0000_0000, 1]]", 33,
		  "irq" },
		{ "emu_devices = [[\"x\", 0x1000, 1, 1, 1, 5]]", 39,
		  "config must be an array" },
		{ "emu_devices = [[\"x\", 0x1000, 1, 1, 1, [\"a\"]]]", 40,
		  "config value" },
		{ "passthrough_devices = [[\"a\", 1, 2]]", 24,
		  "[\"/dt/path\"] or [name" },
		{ "passthrough_devices = [[1]]", 25, "must be a string" },
		{ "passthrough_devices = [\"/\"]", 24, "expected" },
		{ "passthrough_devices = [[\"a\", 0x7fff_ffff_ffff_ffff, 0, 2, 1]]",
		  24, "wraps" },
		{ "passthrough_addresses = [[0x1000]]", 26, "[gpa, length]" },
		{ "passthrough_addresses = [[0x1000, true]]", 35, "length" },
		{ "excluded_devices = [\"/a\"]", 21, "[\"/dt/path\"]" },
		{ "excluded_devices = [[\"/a\", \"/b\"]]", 21,
		  "[\"/dt/path\"]" },
		{ "dma_passthrough = [\"/fw-cfg@9020000\"]", 20,
		  "dma_passthrough[0]: \"/fw-cfg@9020000\" names no entry" },
	};
	char dev[256];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(dev, sizeof(dev), "%s\n", cases[i].dev);
		only_error(run3(BASE, KERNEL, dev), VMCFG_ERR_DEVICE, 12,
			   cases[i].col, cases[i].what);
	}
}

/* emu_devices types: AxVisor's numbers, each kept or refused by name. */
UNIT_TEST(vmcfg_emu_types_kept)
{
	static const unsigned kept[] = { 0x1,  0x2,  0xa,  0x20, 0x21,
					 0x22, 0x23, 0x24, 0x30 };
	char dev[160];

	for (size_t i = 0; i < sizeof(kept) / sizeof(kept[0]); i++) {
		snprintf(dev, sizeof(dev),
			 "emu_devices = [[\"d\", 0x800_0000, 0x1_0000, 0, "
			 "0x%x, []]]\n",
			 kept[i]);
		CHECK_EQ_INT(run3(BASE, KERNEL, dev), 0);
		CHECK_EQ_INT(cfg.emu_device_count, 1);
		CHECK_EQ_INT(cfg.emu_devices[0].line, 12);
		CHECK(vmcfg_emu_type_name(kept[i]) != NULL);
	}
}

UNIT_TEST(vmcfg_emu_types_refused)
{
	static const struct {
		const char *dev;
		const char *what;
	} cases[] = {
		{ "emu_devices = [[\"x\", 0x1000, 0x1000, 0, 0x7]]",
		  "devices.emu_devices[0] \"x\": emu_type 0x7 is not one of "
		  "AxVisor's device types" },
		{ "emu_devices = [[\"fw_cfg\", 0x1000, 0x18, 0, 0x3, []]]",
		  "emu_type 0x3 (fw_cfg): cvisor does not emulate fw_cfg" },
		{ "emu_devices = [[\"pch\", 0x1000, 0x18, 0, 0x25, []]]",
		  "(loongarch64 7A PCH-PIC): cvisor has no loongarch64 VMM" },
		{ "emu_devices = [[\"blk\", 0xa00_0000, 0x200, 16, 0xe1]]",
		  "\"blk\": emu_type 0xe1 (virtio-blk): emulated virtio devices "
		  "are not yet supported" },
		{ "emu_devices = [[\"net\", 0xa00_0000, 0x200, 16, 0xe2]]",
		  "emu_type 0xe2 (virtio-net)" },
		{ "emu_devices = [[\"con\", 0xa00_0000, 0x200, 16, 0xe3]]",
		  "emu_type 0xe3 (virtio-console)" },
		{ "emu_devices = [[\"gic\", 0x800_0000, 0x1_0000, 0, 1, [1, 4]]]",
		  "config[1], the GIC version, is 4: expected 2 or 3" },
	};
	char dev[256];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(dev, sizeof(dev), "%s\n", cases[i].dev);
		only_error(run3(BASE, KERNEL, dev), VMCFG_ERR_EMU_TYPE, 12, 16,
			   cases[i].what);
	}
	CHECK(vmcfg_emu_type_name(0x7) == NULL);
	CHECK(vmcfg_emu_type_refusal(0xe1) != NULL);
	CHECK(vmcfg_emu_type_refusal(0x1) == NULL);
}

/* One interrupt controller: a second, or a GICv2 beside GICv3 parts, is
 * an error at the later entry. */
UNIT_TEST(vmcfg_emu_gic_conflicts)
{
	only_error(run3(BASE, KERNEL,
			"emu_devices = [\n"
			"  [\"a\", 0x800_0000, 0x1_0000, 0, 1],\n"
			"  [\"b\", 0x800_0000, 0x1_0000, 0, 1]]\n"),
		   VMCFG_ERR_EMU_TYPE, 14, 3,
		   "\"a\" and \"b\" are both the VM's interrupt controller");
	only_error(run3(BASE, KERNEL,
			"emu_devices = [\n"
			"  [\"gicd\", 0x800_0000, 0x1_0000, 0, 0x21],\n"
			"  [\"v2\", 0x800_0000, 0x1_0000, 0, 1, [1]]]\n"),
		   VMCFG_ERR_EMU_TYPE, 14, 3,
		   "\"v2\" asks for a GICv2 and \"gicd\" for GICv3 parts");
	/* An interrupt controller that says v3 goes with GICv3 parts. */
	CHECK_EQ_INT(run3(BASE, KERNEL,
			  "emu_devices = [\n"
			  "  [\"gicd\", 0x800_0000, 0x1_0000, 0, 0x21],\n"
			  "  [\"v3\", 0x800_0000, 0x1_0000, 0, 1, [1, 3]]]\n"),
		     0);
}

UNIT_TEST(vmcfg_gic_version_asked)
{
	static const struct {
		const char *dev;
		unsigned version;
	} cases[] = {
		{ "emu_devices = []", 0 },
		{ "emu_devices = [[\"ivc\", 0x1000_0000, 0x1000, 0, 0xa]]", 0 },
		{ "emu_devices = [[\"vgicd-v2\", 0x800_0000, 0x1_0000, 25, 1, "
		  "[2]]]",
		  2 },
		{ "emu_devices = [[\"g\", 0x800_0000, 0x1_0000, 0, 1, [1, 3]]]",
		  3 },
		{ "emu_devices = [[\"gicr\", 0x80a_0000, 0x2_0000, 0, 0x20, "
		  "[1, 0x2_0000, 0]]]",
		  3 },
	};
	char dev[256];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(dev, sizeof(dev), "%s\n", cases[i].dev);
		CHECK_EQ_INT(run3(BASE, KERNEL, dev), 0);
		CHECK_EQ_INT(vmcfg_gic_version(&cfg), cases[i].version);
	}
}

/* ------------------------------------------------------------ AxVisor's
 * boot flow keys (kernel.enable_bios, boot_protocol, uefi_firmware_path)
 * and devices.passthrough_ports, as rcore-os/tgoskits writes them. */

/* KERNEL plus more [kernel] keys from line 11 on, and devices. */
static int run_boot(const char *kernel_extra, const char *devices)
{
	static char kernel[2048];

	snprintf(kernel, sizeof(kernel), "%s%s", KERNEL, kernel_extra);
	return run3(BASE, kernel, devices);
}

UNIT_TEST(vmcfg_boot_fields)
{
	static const char uefi[] =
		"enable_bios = true\nboot_protocol = \"uefi\"\n"
		"uefi_firmware_path = \"/guest/OVMF_CODE.fd\"\n"
		"bios_load_addr = 0x4ff0_0000\n";
	static struct text out;
	int rc;

	/* Absent: AxVisor's defaults, and show prints none of them. */
	CHECK_EQ_INT(run3(BASE, KERNEL, ""), 0);
	CHECK(!cfg.enable_bios);
	CHECK_EQ_INT(cfg.boot_protocol, VMCFG_BOOT_UNSET);
	CHECK_EQ_INT(vmcfg_boot_protocol(&cfg), VMCFG_BOOT_DIRECT);
	CHECK_EQ_STR(cfg.uefi_firmware_path, "");
	CHECK_EQ_INT(cfg.pt_port_count, 0);
	vmcfg_print(&cfg, append, &out);
	CHECK(!strstr(out.buf, "enable_bios") &&
	      !strstr(out.buf, "boot_protocol"));
	CHECK(!strstr(out.buf, "uefi") &&
	      !strstr(out.buf, "passthrough_ports"));
	/* enable_bios alone means multiboot, as in AxVisor. */
	CHECK_EQ_INT(run_boot("enable_bios = true\n", ""), 0);
	CHECK(cfg.enable_bios);
	CHECK_EQ_INT(cfg.boot_protocol, VMCFG_BOOT_UNSET);
	CHECK_EQ_INT(vmcfg_boot_protocol(&cfg), VMCFG_BOOT_MULTIBOOT);
	round_trip();
	rc = run_boot(uefi, "");
	if (rc)
		dump();
	CHECK_EQ_INT(rc, 0);
	CHECK_EQ_INT(diags.n, 0);
	CHECK(cfg.enable_bios);
	CHECK_EQ_INT(cfg.boot_protocol, VMCFG_BOOT_UEFI);
	CHECK_EQ_STR(cfg.uefi_firmware_path, "/guest/OVMF_CODE.fd");
	round_trip();
	out.len = 0;
	vmcfg_print(&cfg, append, &out);
	CHECK(strstr(out.buf,
		     "enable_bios = true\nboot_protocol = \"uefi\"\n"
		     "uefi_firmware_path = \"/guest/OVMF_CODE.fd\"\n"));
	/* enable_bios = false written out is the default: not printed. */
	CHECK_EQ_INT(run_boot("enable_bios = false\nboot_protocol = \"direct\"\n",
			      ""),
		     0);
	CHECK_EQ_INT(cfg.boot_protocol, VMCFG_BOOT_DIRECT);
	out.len = 0;
	vmcfg_print(&cfg, append, &out);
	CHECK(!strstr(out.buf, "enable_bios"));
	CHECK(strstr(out.buf, "boot_protocol = \"direct\"\n"));
	round_trip();
}

/* AxVisor's older files (master c10f8b7) have a bios_path and neither
 * enable_bios nor boot_protocol: that first stage is meant to run
 * (bios_legacy). enable_bios = false written beside it is kept, and
 * printed, so that show's output means the same. */
UNIT_TEST(vmcfg_bios_legacy)
{
	static struct text out;
	static const char bios[] = "bios_path = \"axvm-bios.bin\"\n"
				   "bios_load_addr = 0x4000_8000\n";
	char text[256];

	CHECK_EQ_INT(run_boot(bios, ""), 0);
	CHECK(cfg.bios_legacy);
	CHECK_EQ_INT(vmcfg_boot_protocol(&cfg), VMCFG_BOOT_DIRECT);
	round_trip();
	snprintf(text, sizeof(text), "%senable_bios = false\n", bios);
	CHECK_EQ_INT(run_boot(text, ""), 0);
	CHECK(!cfg.bios_legacy);
	out.len = 0;
	vmcfg_print(&cfg, append, &out);
	CHECK(strstr(out.buf, "enable_bios = false\n") != NULL);
	round_trip();
	snprintf(text, sizeof(text), "%senable_bios = true\n", bios);
	CHECK_EQ_INT(run_boot(text, ""), 0);
	CHECK(!cfg.bios_legacy);
	CHECK_EQ_INT(vmcfg_boot_protocol(&cfg), VMCFG_BOOT_MULTIBOOT);
	CHECK_EQ_INT(run_boot("", ""), 0);
	CHECK(!cfg.bios_legacy);
}

UNIT_TEST(vmcfg_boot_protocol_aliases)
{
	static const struct {
		const char *name;
		bool bios;
		enum vmcfg_boot_protocol proto;
	} cases[] = {
		{ "direct", false, VMCFG_BOOT_DIRECT },
		{ "kernel", false, VMCFG_BOOT_DIRECT },
		{ "multiboot", true, VMCFG_BOOT_MULTIBOOT },
		{ "bios", true, VMCFG_BOOT_MULTIBOOT },
		{ "axvm-bios", true, VMCFG_BOOT_MULTIBOOT },
		{ "uefi", true, VMCFG_BOOT_UEFI },
		{ "efi", true, VMCFG_BOOT_UEFI },
	};
	char extra[256];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(extra, sizeof(extra),
			 "enable_bios = %s\n"
			 "boot_protocol = \"%s\"\nbios_path = \"fw\"\n"
			 "bios_load_addr = 0x4000_0000\n",
			 cases[i].bios ? "true" : "false", cases[i].name);
		CHECK_EQ_INT(run_boot(extra, ""), 0);
		CHECK_EQ_INT(cfg.boot_protocol, cases[i].proto);
		CHECK_EQ_STR(vmcfg_boot_protocol_name(cfg.boot_protocol),
			     cases[i].bios ? cases[i].proto == VMCFG_BOOT_UEFI ?
					     "uefi" :
					     "multiboot" :
					     "direct");
	}
}

UNIT_TEST(vmcfg_err_boot_protocol)
{
	only_error(run_boot("enable_bios = true\nboot_protocol = \"pxe\"\n",
			    ""),
		   VMCFG_ERR_BOOT_PROTOCOL, 12, 17,
		   "kernel.boot_protocol: expected \"direct\" (\"kernel\"), "
		   "\"multiboot\" (\"bios\", \"axvm-bios\") or \"uefi\" (\"efi\")");
	/* Names are case-sensitive, as in AxVisor. */
	only_error(run_boot("enable_bios = true\nboot_protocol = \"UEFI\"\n",
			    ""),
		   VMCFG_ERR_BOOT_PROTOCOL, 12, 17, "kernel.boot_protocol");
}

/* enable_bios and the protocol must agree (AxVisor's
 * BootProtocolConflict); the error is at boot_protocol. */
UNIT_TEST(vmcfg_err_boot_conflict)
{
	only_error(run_boot("enable_bios = false\nboot_protocol = \"uefi\"\n"
			    "uefi_firmware_path = \"fw\"\n"
			    "bios_load_addr = 0x4000_0000\n",
			    ""),
		   VMCFG_ERR_BOOT_CONFLICT, 12, 17,
		   "kernel.boot_protocol \"uefi\" needs kernel.enable_bios = true");
	only_error(run_boot("boot_protocol = \"multiboot\"\n", ""),
		   VMCFG_ERR_BOOT_CONFLICT, 11, 17,
		   "\"multiboot\" needs kernel.enable_bios = true");
	only_error(run_boot("boot_protocol = \"kernel\"\nenable_bios = true\n",
			    ""),
		   VMCFG_ERR_BOOT_CONFLICT, 11, 17,
		   "kernel.boot_protocol \"direct\" needs kernel.enable_bios = "
		   "false");
}

/* A firmware flow names its image and where it goes (AxVisor's
 * MissingFirmwarePath and MissingFirmwareLoadAddress). */
UNIT_TEST(vmcfg_err_missing_firmware)
{
	only_error(run_boot("enable_bios = true\nboot_protocol = \"uefi\"\n"
			    "bios_load_addr = 0x4000_0000\n",
			    ""),
		   VMCFG_ERR_MISSING, 12, 17,
		   "kernel.boot_protocol \"uefi\" needs the firmware image: "
		   "kernel.uefi_firmware_path (or bios_path)");
	/* bios_path stands in for uefi_firmware_path, as in AxVisor. */
	CHECK_EQ_INT(run_boot("enable_bios = true\nboot_protocol = \"uefi\"\n"
			      "bios_path = \"fw\"\nbios_load_addr = 0x4000_0000\n",
			      ""),
		     0);
	only_error(run_boot("enable_bios = true\nboot_protocol = \"efi\"\n"
			    "uefi_firmware_path = \"fw\"\n",
			    ""),
		   VMCFG_ERR_MISSING, 12, 17,
		   "kernel.boot_protocol \"uefi\" needs kernel.bios_load_addr");
	/* Multiboot brings its own BIOS unless bios_path names one. */
	CHECK_EQ_INT(run_boot("enable_bios = true\n", ""), 0);
	only_error(run_boot("enable_bios = true\nbios_path = \"bios.bin\"\n",
			    ""),
		   VMCFG_ERR_MISSING, 11, 15,
		   "kernel.enable_bios = true (boot_protocol \"multiboot\") needs "
		   "kernel.bios_load_addr");
}

UNIT_TEST(vmcfg_err_boot_types)
{
	only_error(run_boot("enable_bios = 1\n", ""), VMCFG_ERR_TYPE, 11, 15,
		   "kernel.enable_bios: expected boolean, found integer");
	only_error(run_boot("boot_protocol = [\"uefi\"]\n", ""), VMCFG_ERR_TYPE,
		   11, 17,
		   "kernel.boot_protocol: expected string, found array");
	only_error(run_boot("uefi_firmware_path = 5\n", ""), VMCFG_ERR_TYPE, 11,
		   22, "kernel.uefi_firmware_path: expected string");
	only_error(run_boot("uefi_firmware_path = \"a\\tb\"\n", ""),
		   VMCFG_ERR_STRING, 11, 22,
		   "kernel.uefi_firmware_path: path contains a control character");
	only_error(run_boot("", "passthrough_ports = \"0x60\"\n"),
		   VMCFG_ERR_TYPE, 12, 21,
		   "devices.passthrough_ports: expected array, found string");
}

/* The firmware goes at bios_load_addr: it must be guest memory. */
UNIT_TEST(vmcfg_err_firmware_outside)
{
	only_error(run_boot("enable_bios = true\nboot_protocol = \"uefi\"\n"
			    "uefi_firmware_path = \"fw\"\n"
			    "bios_load_addr = 0xffc0_0000\n",
			    ""),
		   VMCFG_ERR_ADDR_OUTSIDE, 14, 18,
		   "kernel.bios_load_addr 0xffc00000 is outside every memory "
		   "region");
}

UNIT_TEST(vmcfg_passthrough_ports)
{
	int rc = run_boot("", "passthrough_ports = [\n  [0x6000, 0x80],\n"
			      "  [0x0, 0xffff], [0xffff, 1],\n]\n");

	if (rc)
		dump();
	CHECK_EQ_INT(rc, 0);
	CHECK_EQ_INT(cfg.pt_port_count, 3);
	CHECK_EQ_INT(cfg.pt_ports[0].base, 0x6000);
	CHECK_EQ_INT(cfg.pt_ports[0].count, 0x80);
	CHECK_EQ_INT(cfg.pt_ports[1].count, 0xffff);
	CHECK_EQ_INT(cfg.pt_ports[2].base, 0xffff);
	round_trip();
	static struct text out;
	vmcfg_print(&cfg, append, &out);
	CHECK(strstr(out.buf, "passthrough_ports = [\n    [0x6000, 0x80],\n"
			      "    [0x0, 0xffff],\n    [0xffff, 0x1],\n]\n"));
}

UNIT_TEST(vmcfg_err_passthrough_ports)
{
	static const struct {
		const char *dev;
		uint32_t col;
		const char *what;
	} cases[] = {
		{ "passthrough_ports = [[0x6000]]", 22,
		  "devices.passthrough_ports[0]: expected [base_port, count]" },
		{ "passthrough_ports = [0x3f8]", 22,
		  "expected [base_port, count]" },
		{ "passthrough_ports = [[\"com1\", 8]]", 23,
		  "base_port must be an integer in [0, 0xffff]" },
		{ "passthrough_ports = [[0x1_0000, 1]]", 23, "base_port" },
		{ "passthrough_ports = [[0x3f8, -8]]", 30,
		  "count must be an integer in [0, 0xffff]" },
		{ "passthrough_ports = [[0x3f8, 0x1_0000]]", 30, "count" },
		{ "passthrough_ports = [[0x3f8, 0]]", 22, "count is 0" },
		{ "passthrough_ports = [[0xfff0, 0x11]]", 22,
		  "ports 0xfff0 + 0x11 run past 0xffff" },
	};
	char dev[256];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(dev, sizeof(dev), "%s\n", cases[i].dev);
		only_error(run3(BASE, KERNEL, dev), VMCFG_ERR_DEVICE, 12,
			   cases[i].col, cases[i].what);
	}
	static char many[4096];
	int n = snprintf(many, sizeof(many), "passthrough_ports = [");
	for (int i = 0; i <= VMCFG_MAX_DEVICES; i++)
		n += snprintf(many + n, sizeof(many) - (size_t)n, "[%d, 1], ",
			      i);
	snprintf(many + n, sizeof(many) - (size_t)n, "]\n");
	only_error(run3(BASE, KERNEL, many), VMCFG_ERR_TOO_MANY, 12, 21,
		   "devices.passthrough_ports: 33 entries, at most 32");
}

UNIT_TEST(vmcfg_warn_unknown_key)
{
	int rc = run3("id = 1\nname = \"t\"\ncpu_num = 1\ncolour = 1.5\n",
		      KERNEL, "interrupt_mode = \"emu\"\nfoo = 2024-01-01\n");

	CHECK_EQ_INT(rc, 0);
	CHECK_EQ_INT(diags.errors, 0);
	CHECK_EQ_INT(diags.warnings, 2);
	has(VMCFG_WARN_UNKNOWN_KEY, 5, 1, "unknown key 'base.colour'");
	has(VMCFG_WARN_UNKNOWN_KEY, 14, 1, "devices.foo");
	/* A top-level key that is not a table. */
	CHECK_EQ_INT(run3(BASE, KERNEL, "") + 0, 0);
	CHECK_EQ_INT(run("version = 2\n[base]\nid = 1\nname = \"t\"\n"
			 "cpu_num = 1\n[kernel]\nentry_point = 0\n"
			 "image_location = \"fs\"\nkernel_path = \"k\"\n"
			 "kernel_load_addr = 0\n"
			 "memory_regions = [[0, 0x1000, 7, 0]]\n"),
		     0);
	has(VMCFG_WARN_UNKNOWN_KEY, 1, 1, "unknown key 'version'");
}

UNIT_TEST(vmcfg_warn_unknown_table)
{
	int rc = run3(BASE, KERNEL, "[extra]\nx = 1\n[[list]]\n");

	CHECK_EQ_INT(rc, 0);
	CHECK_EQ_INT(diags.warnings, 2);
	has(VMCFG_WARN_UNKNOWN_TABLE, 12, 2, "unknown table [extra]");
	has(VMCFG_WARN_UNKNOWN_TABLE, 14, 3, "[list]");
}

UNIT_TEST(vmcfg_reports_every_error)
{
	int rc = run3("id = -1\nname = 5\ncpu_num = 2\nphys_cpu_ids = [0]\n",
		      "entry_point = 0x4008_0000\nimage_location = \"x\"\n"
		      "kernel_path = \"k\"\nkernel_load_addr = 0x4008_0000\n"
		      "memory_regions = [[0x4000_0000, 0, 7, 0]]\n",
		      "interrupt_mode = \"y\"\nbar = 1\n");

	CHECK_EQ_INT(rc, VMCFG_ERR_RANGE); /* the first one */
	CHECK_EQ_INT(diags.errors, 6);
	CHECK_EQ_INT(diags.warnings, 1);
	has(VMCFG_ERR_TYPE, 3, 8, "base.name");
	has(VMCFG_ERR_CPU_COUNT, 5, 16, "phys_cpu_ids");
	has(VMCFG_ERR_IMAGE_LOCATION, 8, 18, "image_location");
	has(VMCFG_ERR_REGION_EMPTY, 11, 33, "size is 0");
	has(VMCFG_ERR_INTERRUPT_MODE, 13, 18, "interrupt_mode");
}

/* ------------------------------------------------------------ printing */

UNIT_TEST(vmcfg_print_round_trip)
{
	static struct text out;

	CHECK_EQ_INT(
		run3("id = 3\nname = \"q\\\"uote\\\\ \\t\"\n"
		     "cpu_num = 1\nphys_cpu_sets = [3]\n",
		     "entry_point = 0x4008_0000\nimage_location = \"fs\"\n"
		     "kernel_path = \"k\"\nkernel_load_addr = 0x4008_0000\n"
		     "cmdline = \"console=ttyAMA0 \\u00e9\"\n"
		     "ramdisk_load_addr = 0\n"
		     "memory_regions = [[0x4000_0000, 0x1000_0000, 0x1f, 1]]\n",
		     "interrupt_mode = \"no_irq\"\n"
		     "emu_devices = [[\"e\", 0x1000, 0x10, 1, 2, [3]]]\n"
		     "passthrough_devices = [[\"/soc\"], [\"d\", 1, 2, 3, 4]]\n"
		     "passthrough_addresses = [[0x10, 0x20]]\n"
		     "excluded_devices = [[\"/x\"]]\n"),
		0);
	round_trip();
	out.len = 0;
	vmcfg_print(&cfg, append, &out);
	CHECK(strstr(out.buf, "name = \"q\\\"uote\\\\ \\u0009\"\n") != NULL);
	CHECK(strstr(out.buf, "image_location = \"fs\"\n") != NULL);
	CHECK(strstr(out.buf, "[0x4000_0000, 0x1000_0000, 0x1f, 1],  # RWXUD "
			      "identical") != NULL);
	CHECK(strstr(out.buf, "interrupt_mode = \"no_irq\"") != NULL);
	CHECK(strstr(out.buf, "ramdisk_load_addr = 0x0") != NULL);
	/* cvisor's own key only when it says something. */
	CHECK(strstr(out.buf, "dma_passthrough") == NULL);
}

/* devices.dma_passthrough marks passthrough devices by name or DT path,
 * every entry of that name; without it none is marked. */
UNIT_TEST(vmcfg_dma_passthrough)
{
	static const char devices[] =
		"passthrough_devices = [[\"/fw-cfg@9020000\"],\n"
		"  [\"virtio\", 0xa00_0000, 0xa00_0000, 0x1000, 48],\n"
		"  [\"rtc\", 0xc00_0000, 0x901_0000, 0x1000, 34],\n"
		"  [\"virtio\", 0xb00_0000, 0xa00_1000, 0x1000, 49]]\n";
	static char text[1024];

	CHECK_EQ_INT(run3(BASE, KERNEL, devices), 0);
	for (int i = 0; i < 4; i++)
		CHECK(!cfg.pt_devices[i].allow_dma);
	snprintf(text, sizeof(text),
		 "%sdma_passthrough = [\"virtio\", "
		 "\"/fw-cfg@9020000\"]\n",
		 devices);
	int rc = run3(BASE, KERNEL, text);
	if (rc)
		dump();
	CHECK_EQ_INT(rc, 0);
	CHECK_EQ_INT(diags.n, 0);
	CHECK(cfg.pt_devices[0].allow_dma);
	CHECK(cfg.pt_devices[1].allow_dma);
	CHECK(!cfg.pt_devices[2].allow_dma);
	CHECK(cfg.pt_devices[3].allow_dma);
	round_trip();
	static struct text out;
	vmcfg_print(&cfg, append, &out);
	CHECK(strstr(out.buf, "dma_passthrough = [\n    \"/fw-cfg@9020000\",\n"
			      "    \"virtio\",\n]\n") != NULL);
	/* Names match exactly: "RTC" is not "rtc". */
	snprintf(text, sizeof(text), "%sdma_passthrough = [\"rtc\", \"RTC\"]\n",
		 devices);
	only_error(run3(BASE, KERNEL, text), VMCFG_ERR_DEVICE, 16, 27,
		   "devices.dma_passthrough[1]: \"RTC\" names no entry of "
		   "devices.passthrough_devices");
	CHECK(cfg.pt_devices[2].allow_dma);
}

UNIT_TEST(vmcfg_print_long_cmdline)
{
	static char kernel[4096];
	char cmd[VMCFG_MAX_CMDLINE];

	memset(cmd, 'c', sizeof(cmd) - 1);
	cmd[sizeof(cmd) - 1] = '\0';
	snprintf(kernel, sizeof(kernel), "%scmdline = \"%s\"\n", KERNEL, cmd);
	CHECK_EQ_INT(run3(BASE, kernel, ""), 0);
	CHECK_EQ_INT(strlen(cfg.cmdline), VMCFG_MAX_CMDLINE - 1);
	round_trip();
}
