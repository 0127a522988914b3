/* The VM configuration schema: AxVisor-compatible TOML into a fixed-size
 * struct vm_config.
 *
 * The struct holds no pointers, so it outlives the parse arena and can be
 * copied freely. Every problem is reported through a callback with its
 * severity, code and position; unknown keys are warnings, everything else
 * an error. Freestanding: used by the hypervisor and by host tools. */
#ifndef CONFIG_VM_CONFIG_H
#define CONFIG_VM_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "toml.h"

#define VMCFG_MAX_NAME     64 /* bytes of base.name, NUL included */
#define VMCFG_MAX_CPUS     16
#define VMCFG_MAX_PATH     256 /* file paths, NUL included */
#define VMCFG_MAX_CMDLINE  1024
#define VMCFG_MAX_REGIONS  16
#define VMCFG_MAX_DEVICES  32  /* of each device list */
#define VMCFG_MAX_DEV_NAME 128 /* device names and DT paths */
#define VMCFG_MAX_EMU_CFG  16  /* config integers of an emulated device */

/* An arena this large holds the parse tree of any sensible config (the
 * biggest upstream AxVisor file needs under 8 KiB). */
#define VMCFG_ARENA_SIZE (64 * 1024)

/* Memory region flags: AxVisor's MappingFlags, bit for bit (USER is
 * 1 << 3 and DEVICE 1 << 4 there, so its files' 0xf is R|W|X|USER). */
#define VMCFG_MEM_READ      0x1
#define VMCFG_MEM_WRITE     0x2
#define VMCFG_MEM_EXEC      0x4
#define VMCFG_MEM_USER      0x8
#define VMCFG_MEM_DEVICE    0x10
#define VMCFG_MEM_ALL_FLAGS 0x1f

/* Codes below VMCFG_ERR_BASE are enum toml_err (syntax errors). */
enum vmcfg_err {
	VMCFG_OK = 0,
	VMCFG_ERR_BASE = 100,
	VMCFG_ERR_TYPE = VMCFG_ERR_BASE, /* wrong TOML type */
	VMCFG_ERR_MISSING,               /* required key absent */
	VMCFG_ERR_RANGE,                 /* number out of range */
	VMCFG_ERR_STRING,    /* string too long, empty or holding NUL */
	VMCFG_ERR_TOO_MANY,  /* more entries than the struct holds */
	VMCFG_ERR_CPU_COUNT, /* phys_cpu_ids/sets length != cpu_num */
	VMCFG_ERR_EMPTY_CPU_SET,
	VMCFG_ERR_IMAGE_LOCATION,
	VMCFG_ERR_INTERRUPT_MODE,
	VMCFG_ERR_MAP_TYPE,
	VMCFG_ERR_REGION_FLAGS, /* unknown flag bits */
	VMCFG_ERR_REGION_EMPTY, /* size 0 */
	VMCFG_ERR_REGION_WRAP,  /* gpa + size overflows */
	VMCFG_ERR_REGION_OVERLAP,
	VMCFG_ERR_ADDR_OUTSIDE,  /* a load address outside every region */
	VMCFG_ERR_DEVICE,        /* malformed device entry */
	VMCFG_ERR_BOOT_PROTOCOL, /* unknown kernel.boot_protocol */
	VMCFG_ERR_BOOT_CONFLICT, /* boot_protocol against enable_bios */
	VMCFG_ERR_EMU_TYPE,      /* an emu_devices type cvisor refuses */
	VMCFG_WARN_UNKNOWN_KEY,
	VMCFG_WARN_UNKNOWN_TABLE,
	VMCFG_WARN_REGION_REDUNDANT, /* inside an earlier region, same kind */
	VMCFG_ERR_END
};

enum vmcfg_severity { VMCFG_SEV_ERROR, VMCFG_SEV_WARNING };

struct vmcfg_diag {
	enum vmcfg_severity severity;
	int code; /* enum vmcfg_err or enum toml_err */
	const char *file;
	uint32_t line, col; /* 1-based; the file's start if nowhere */
	const char *msg;    /* formatted, without position or severity */
};

typedef void (*vmcfg_report_fn)(void *ctx, const struct vmcfg_diag *d);

enum vmcfg_image_location { VMCFG_IMAGE_MEMORY, VMCFG_IMAGE_FS };

enum vmcfg_map_type {
	VMCFG_MAP_ALLOC = 0,     /* fresh host memory at that GPA */
	VMCFG_MAP_IDENTICAL = 1, /* host memory with HPA == GPA */
	VMCFG_MAP_RESERVED = 2, /* that host range, GPA == HPA, not allocated */
};

enum vmcfg_irq_mode {
	VMCFG_IRQ_NO_IRQ,
	VMCFG_IRQ_EMULATED,
	VMCFG_IRQ_PASSTHROUGH,
};

/* kernel.boot_protocol, AxVisor's VMBootProtocol: how the guest is
 * entered. Kept as written; vmcfg_boot_protocol() gives the one in
 * effect. */
enum vmcfg_boot_protocol {
	VMCFG_BOOT_UNSET,  /* absent: multiboot with enable_bios, else direct */
	VMCFG_BOOT_DIRECT, /* the kernel at entry_point, no firmware */
	VMCFG_BOOT_MULTIBOOT, /* x86: a BIOS image (AxVisor's axvm-bios) */
	VMCFG_BOOT_UEFI,      /* a UEFI firmware image, at bios_load_addr */
};

/* What a file that omits devices.interrupt_mode gets; every upstream
 * AxVisor file that names a mode names this one. */
#define VMCFG_IRQ_DEFAULT VMCFG_IRQ_PASSTHROUGH

struct vmcfg_region {
	uint64_t gpa, size;
	uint32_t flags; /* VMCFG_MEM_* */
	enum vmcfg_map_type map_type;
};

struct vmcfg_emu_device {
	char name[VMCFG_MAX_DEV_NAME];
	uint64_t base_gpa, length;
	uint32_t irq, emu_type;
	uint32_t cfg_count;
	uint64_t cfg[VMCFG_MAX_EMU_CFG];
	uint32_t line, col; /* of the entry in its file, for later messages */
};

/* AxVisor's emu_devices types (axvmconfig's EmulatedDeviceType). */
enum vmcfg_emu_type {
	VMCFG_EMU_INTC = 0x1,    /* the VM's interrupt controller */
	VMCFG_EMU_CONSOLE = 0x2, /* a console UART */
	VMCFG_EMU_FW_CFG = 0x3,
	VMCFG_EMU_IVC = 0xa, /* an IVC channel region */
	VMCFG_EMU_GPPT_GICR = 0x20,
	VMCFG_EMU_GPPT_GICD = 0x21,
	VMCFG_EMU_GPPT_ITS = 0x22,
	VMCFG_EMU_IOAPIC = 0x23,
	VMCFG_EMU_PIT = 0x24,
	VMCFG_EMU_PCH_PIC = 0x25, /* loongarch64 */
	VMCFG_EMU_PLIC = 0x30,
	VMCFG_EMU_VIRTIO_BLK = 0xe1,
	VMCFG_EMU_VIRTIO_NET = 0xe2,
	VMCFG_EMU_VIRTIO_CONSOLE = 0xe3,
};

/* Either a range (is_dt_path false) or a host device-tree node path held
 * in name (["/dt/path"]). */
struct vmcfg_pt_device {
	char name[VMCFG_MAX_DEV_NAME];
	bool is_dt_path;
	uint64_t base_gpa, base_hpa, length;
	uint32_t irq;
	/* Named in devices.dma_passthrough: given even if it can do DMA,
	 * which lets the VM write anywhere (cvisor has no IOMMU). */
	bool allow_dma;
	/* Set by the VMM on its own copy of a config (vmm/passthrough.h,
	 * passthrough_prune): the entry is not given, and its reasons were
	 * logged. Never by the parser. */
	bool left_out;
};

struct vmcfg_pt_address {
	uint64_t gpa, length;
};

/* Host I/O ports base .. base + count - 1 (x86), all below 0x10000. */
struct vmcfg_pt_port {
	uint32_t base, count;
};

struct vm_config {
	/* [base] */
	uint64_t id;
	char name[VMCFG_MAX_NAME];
	uint32_t vm_type; /* 0 host, 1 RTOS, 2 Linux; default 1 */
	uint32_t cpu_num;
	uint32_t phys_cpu_ids_count; /* 0 (absent) or cpu_num */
	uint64_t phys_cpu_ids[VMCFG_MAX_CPUS];
	uint32_t phys_cpu_sets_count; /* 0 (absent) or cpu_num */
	uint64_t phys_cpu_sets[VMCFG_MAX_CPUS];

	/* [kernel]; the has_* flags say whether the key was given */
	uint64_t entry_point;
	enum vmcfg_image_location image_location;
	char kernel_path[VMCFG_MAX_PATH];
	uint64_t kernel_load_addr;
	char dtb_path[VMCFG_MAX_PATH]; /* "" if absent */
	bool has_dtb_load_addr;
	uint64_t dtb_load_addr;
	char ramdisk_path[VMCFG_MAX_PATH];
	bool has_ramdisk_load_addr;
	uint64_t ramdisk_load_addr;
	char bios_path[VMCFG_MAX_PATH];
	bool has_bios_load_addr;
	uint64_t bios_load_addr;
	bool enable_bios; /* AxVisor's firmware boot flow */
	/* A bios_path with neither enable_bios nor boot_protocol written:
	 * AxVisor's older files (master c10f8b7), whose first stage runs at
	 * entry_point (docs/config.md, "Boot flows"). */
	bool bios_legacy;
	enum vmcfg_boot_protocol boot_protocol; /* as written */
	char uefi_firmware_path[VMCFG_MAX_PATH];
	char cmdline[VMCFG_MAX_CMDLINE];
	char disk_path[VMCFG_MAX_PATH];
	uint32_t region_count;
	struct vmcfg_region regions[VMCFG_MAX_REGIONS];

	/* [devices] */
	enum vmcfg_irq_mode interrupt_mode;
	uint32_t emu_device_count;
	struct vmcfg_emu_device emu_devices[VMCFG_MAX_DEVICES];
	uint32_t pt_device_count;
	struct vmcfg_pt_device pt_devices[VMCFG_MAX_DEVICES];
	uint32_t pt_address_count;
	struct vmcfg_pt_address pt_addresses[VMCFG_MAX_DEVICES];
	uint32_t excluded_count;
	char excluded_devices[VMCFG_MAX_DEVICES][VMCFG_MAX_DEV_NAME];
	uint32_t pt_port_count;
	struct vmcfg_pt_port pt_ports[VMCFG_MAX_DEVICES];
};

/* Parses and validates one VM config. file names it in diagnostics. The
 * parse tree lives in arena (VMCFG_ARENA_SIZE is plenty) and is not
 * needed afterwards. Reports every problem found to report (may be NULL)
 * and returns 0, or the code of the first error. *out is only meaningful
 * on success. */
int vmcfg_parse(const char *file, const char *text, size_t len, void *arena,
		size_t arena_size, struct vm_config *out,
		vmcfg_report_fn report, void *ctx);

/* Message for an enum vmcfg_err or enum toml_err code. */
const char *vmcfg_strerror(int code);

const char *vmcfg_image_location_name(enum vmcfg_image_location loc);
const char *vmcfg_map_type_name(enum vmcfg_map_type type);
const char *vmcfg_boot_protocol_name(enum vmcfg_boot_protocol proto);

/* Whether the config leaves guest-physical [base, base + size) to cvisor:
 * no memory region and no passthrough address there, and no passthrough
 * device by DTB path (whose ranges and interrupts are known only once
 * the host DTB is read). Where cvisor may put a device of its own. */
bool vmcfg_range_unclaimed(const struct vm_config *cfg, uint64_t base,
			   uint64_t size);

/* The boot protocol in effect: kernel.boot_protocol, or AxVisor's default
 * when it is absent (multiboot if enable_bios, else direct). */
enum vmcfg_boot_protocol vmcfg_boot_protocol(const struct vm_config *cfg);
const char *vmcfg_irq_mode_name(enum vmcfg_irq_mode mode);

/* What emu_devices type 'type' is ("console UART"), or NULL if it is
 * not one of AxVisor's. */
const char *vmcfg_emu_type_name(uint32_t type);
/* Why cvisor refuses type 'type' on every architecture, or NULL if some
 * architecture's VMM may honour it (each checks its own when the VM is
 * created). */
const char *vmcfg_emu_type_refusal(uint32_t type);
/* The GIC version the VM's emu_devices ask for: 2 or 3, or 0 when they
 * name none (the host's choice). An interrupt-controller entry (0x1) is
 * a GICv2, as AxVisor's (its "vgicd-v2"), unless its config[1] says 3;
 * the GIC partial-passthrough entries (0x20-0x22) ask for a GICv3. */
unsigned vmcfg_gic_version(const struct vm_config *cfg);
/* Whether passthrough entry 'd' is ["/"]: the host's whole platform
 * (docs/config.md, "The whole platform"). */
bool vmcfg_pt_is_whole(const struct vmcfg_pt_device *d);
/* Whether the config has such an entry. */
bool vmcfg_whole_platform(const struct vm_config *cfg);

/* Renders cfg as TOML that parses back to the same config. out receives
 * the text in pieces of at most 127 bytes, each a whole line when lines
 * are short enough; concatenated they are the document. */
void vmcfg_print(const struct vm_config *cfg,
		 void (*out)(void *ctx, const char *line), void *ctx);

#endif
