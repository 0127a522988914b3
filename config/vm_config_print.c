/* vmcfg_print: a parsed VM rendered as TOML that parses back to the same
 * struct vm_config. Text goes out in small pieces through a fixed buffer,
 * so the hypervisor can print a config without a big stack frame. */
#include "vm_config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct vp {
	void (*out)(void *ctx, const char *s);
	void *ctx;
	size_t len;
	char buf[128];
};

static void vp_flush(struct vp *p)
{
	if (p->len == 0)
		return;
	p->buf[p->len] = '\0';
	p->out(p->ctx, p->buf);
	p->len = 0;
}

static void vp_putc(struct vp *p, char ch)
{
	if (p->len + 1 >= sizeof(p->buf))
		vp_flush(p);
	p->buf[p->len++] = ch;
	if (ch == '\n')
		vp_flush(p);
}

static void vp_puts(struct vp *p, const char *s)
{
	while (*s)
		vp_putc(p, *s++);
}

static void vp_printf(struct vp *p, const char *fmt, ...)
{
	char tmp[96];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	vp_puts(p, tmp);
}

/* A TOML basic string: quotes, backslashes and control bytes escaped. */
static void vp_string(struct vp *p, const char *s)
{
	vp_putc(p, '"');
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\') {
			vp_putc(p, '\\');
			vp_putc(p, (char)ch);
		} else if (ch < 0x20 || ch == 0x7f) {
			vp_printf(p, "\\u%04x", ch);
		} else {
			vp_putc(p, (char)ch);
		}
	}
	vp_putc(p, '"');
}

/* 0x4000_0000: digits grouped by four, as AxVisor's files write them. */
static void vp_hex(struct vp *p, uint64_t v)
{
	char digits[20];
	int n = snprintf(digits, sizeof(digits), "%llx", (unsigned long long)v);

	vp_puts(p, "0x");
	for (int i = 0; i < n; i++) {
		if (i && (n - i) % 4 == 0)
			vp_putc(p, '_');
		vp_putc(p, digits[i]);
	}
}

static void vp_key_string(struct vp *p, const char *key, const char *val)
{
	vp_printf(p, "%s = ", key);
	vp_string(p, val);
	vp_putc(p, '\n');
}

static void vp_key_hex(struct vp *p, const char *key, uint64_t v)
{
	vp_printf(p, "%s = ", key);
	vp_hex(p, v);
	vp_putc(p, '\n');
}

static void vp_hex_list(struct vp *p, const char *key, const uint64_t *v,
			uint32_t n)
{
	vp_printf(p, "%s = [", key);
	for (uint32_t i = 0; i < n; i++) {
		if (i)
			vp_puts(p, ", ");
		vp_hex(p, v[i]);
	}
	vp_puts(p, "]\n");
}

static void vp_base(struct vp *p, const struct vm_config *cfg)
{
	vp_puts(p, "[base]\n");
	vp_printf(p, "id = %llu\n", (unsigned long long)cfg->id);
	vp_key_string(p, "name", cfg->name);
	vp_printf(p, "vm_type = %u\n", cfg->vm_type);
	vp_printf(p, "cpu_num = %u\n", cfg->cpu_num);
	if (cfg->phys_cpu_ids_count)
		vp_hex_list(p, "phys_cpu_ids", cfg->phys_cpu_ids,
			    cfg->phys_cpu_ids_count);
	if (cfg->phys_cpu_sets_count)
		vp_hex_list(p, "phys_cpu_sets", cfg->phys_cpu_sets,
			    cfg->phys_cpu_sets_count);
}

static void vp_region(struct vp *p, const struct vmcfg_region *r)
{
	static const char names[] = "RWXUD";

	vp_puts(p, "    [");
	vp_hex(p, r->gpa);
	vp_puts(p, ", ");
	vp_hex(p, r->size);
	vp_printf(p, ", 0x%x, %d],  # ", r->flags, (int)r->map_type);
	for (int b = 0; b < 5; b++)
		vp_putc(p, (r->flags & (1u << b)) ? names[b] : '-');
	vp_printf(p, " %s\n", vmcfg_map_type_name(r->map_type));
}

/* An optional path and its load address, as the file gave them. */
static void vp_image(struct vp *p, const char *what, const char *path,
		     bool has_addr, uint64_t addr)
{
	char key[32];

	if (path[0]) {
		snprintf(key, sizeof(key), "%s_path", what);
		vp_key_string(p, key, path);
	}
	if (has_addr) {
		snprintf(key, sizeof(key), "%s_load_addr", what);
		vp_key_hex(p, key, addr);
	}
}

/* AxVisor's boot flow keys, only when the file set them: older files
 * print as they always did. */
static void vp_boot(struct vp *p, const struct vm_config *cfg)
{
	/* false only where it says something: beside a bios_path and no
	 * boot_protocol, where its absence would mean AxVisor's older
	 * first-stage flow (docs/config.md, "Boot flows"). */
	if (cfg->enable_bios || (cfg->bios_path[0] && !cfg->bios_legacy &&
				 cfg->boot_protocol == VMCFG_BOOT_UNSET))
		vp_printf(p, "enable_bios = %s\n",
			  cfg->enable_bios ? "true" : "false");
	if (cfg->boot_protocol != VMCFG_BOOT_UNSET)
		vp_key_string(p, "boot_protocol",
			      vmcfg_boot_protocol_name(cfg->boot_protocol));
	if (cfg->uefi_firmware_path[0])
		vp_key_string(p, "uefi_firmware_path", cfg->uefi_firmware_path);
}

static void vp_kernel(struct vp *p, const struct vm_config *cfg)
{
	vp_puts(p, "\n[kernel]\n");
	vp_key_hex(p, "entry_point", cfg->entry_point);
	vp_key_string(p, "image_location",
		      vmcfg_image_location_name(cfg->image_location));
	vp_key_string(p, "kernel_path", cfg->kernel_path);
	vp_key_hex(p, "kernel_load_addr", cfg->kernel_load_addr);
	vp_image(p, "dtb", cfg->dtb_path, cfg->has_dtb_load_addr,
		 cfg->dtb_load_addr);
	vp_image(p, "ramdisk", cfg->ramdisk_path, cfg->has_ramdisk_load_addr,
		 cfg->ramdisk_load_addr);
	vp_image(p, "bios", cfg->bios_path, cfg->has_bios_load_addr,
		 cfg->bios_load_addr);
	vp_boot(p, cfg);
	if (cfg->cmdline[0])
		vp_key_string(p, "cmdline", cfg->cmdline);
	if (cfg->disk_path[0])
		vp_key_string(p, "disk_path", cfg->disk_path);
	vp_puts(p, "memory_regions = [\n");
	for (uint32_t i = 0; i < cfg->region_count; i++)
		vp_region(p, &cfg->regions[i]);
	vp_puts(p, "]\n");
}

static void vp_emu_device(struct vp *p, const struct vmcfg_emu_device *d)
{
	vp_puts(p, "    [");
	vp_string(p, d->name);
	vp_puts(p, ", ");
	vp_hex(p, d->base_gpa);
	vp_puts(p, ", ");
	vp_hex(p, d->length);
	vp_printf(p, ", %u, 0x%x, [", d->irq, d->emu_type);
	for (uint32_t i = 0; i < d->cfg_count; i++) {
		if (i)
			vp_puts(p, ", ");
		vp_hex(p, d->cfg[i]);
	}
	vp_puts(p, "]],\n");
}

static void vp_pt_device(struct vp *p, const struct vmcfg_pt_device *d)
{
	vp_puts(p, "    [");
	vp_string(p, d->name);
	if (!d->is_dt_path) {
		vp_puts(p, ", ");
		vp_hex(p, d->base_gpa);
		vp_puts(p, ", ");
		vp_hex(p, d->base_hpa);
		vp_puts(p, ", ");
		vp_hex(p, d->length);
		vp_printf(p, ", %u", d->irq);
	}
	/* The VMM's own copy says what it did not give (passthrough.h). */
	vp_puts(p, d->left_out ? "],  # left out, not given\n" : "],\n");
}

/* "key = [" and, for a non-empty list, a newline: entries follow. */
static void vp_list(struct vp *p, const char *key, uint32_t count)
{
	vp_printf(p, "%s = [%s", key, count ? "\n" : "");
}

/* Whether an earlier passthrough device than 'i' has the same name. */
static bool vp_name_seen(const struct vm_config *cfg, uint32_t i)
{
	for (uint32_t j = 0; j < i; j++)
		if (!strcmp(cfg->pt_devices[j].name, cfg->pt_devices[i].name))
			return true;
	return false;
}

/* The devices that may do DMA, each name once (it marks all its
 * namesakes); only when there are any, since the key is cvisor's own. */
static void vp_dma_passthrough(struct vp *p, const struct vm_config *cfg)
{
	uint32_t i, n = 0;

	for (i = 0; i < cfg->pt_device_count; i++)
		n += cfg->pt_devices[i].allow_dma;
	if (!n)
		return;
	vp_puts(p, "# Given although they can do DMA: the VM can write any "
		   "memory.\n");
	vp_list(p, "dma_passthrough", n);
	for (i = 0; i < cfg->pt_device_count; i++) {
		if (!cfg->pt_devices[i].allow_dma || vp_name_seen(cfg, i))
			continue;
		vp_puts(p, "    ");
		vp_string(p, cfg->pt_devices[i].name);
		vp_puts(p, ",\n");
	}
	vp_puts(p, "]\n");
}

/* One "    [a, b]," line of a list of number pairs. */
static void vp_pair(struct vp *p, uint64_t a, uint64_t b)
{
	vp_puts(p, "    [");
	vp_hex(p, a);
	vp_puts(p, ", ");
	vp_hex(p, b);
	vp_puts(p, "],\n");
}

/* x86 I/O port ranges, only when there are any (like the boot keys). */
static void vp_pt_ports(struct vp *p, const struct vm_config *cfg)
{
	if (!cfg->pt_port_count)
		return;
	vp_list(p, "passthrough_ports", cfg->pt_port_count);
	for (uint32_t i = 0; i < cfg->pt_port_count; i++)
		vp_pair(p, cfg->pt_ports[i].base, cfg->pt_ports[i].count);
	vp_puts(p, "]\n");
}

static void vp_devices(struct vp *p, const struct vm_config *cfg)
{
	uint32_t i;

	vp_puts(p, "\n[devices]\n");
	vp_key_string(p, "interrupt_mode",
		      vmcfg_irq_mode_name(cfg->interrupt_mode));
	vp_list(p, "emu_devices", cfg->emu_device_count);
	for (i = 0; i < cfg->emu_device_count; i++)
		vp_emu_device(p, &cfg->emu_devices[i]);
	vp_puts(p, "]\n");
	vp_list(p, "passthrough_devices", cfg->pt_device_count);
	for (i = 0; i < cfg->pt_device_count; i++)
		vp_pt_device(p, &cfg->pt_devices[i]);
	vp_puts(p, "]\n");
	vp_list(p, "passthrough_addresses", cfg->pt_address_count);
	for (i = 0; i < cfg->pt_address_count; i++)
		vp_pair(p, cfg->pt_addresses[i].gpa,
			cfg->pt_addresses[i].length);
	vp_puts(p, "]\n");
	vp_list(p, "excluded_devices", cfg->excluded_count);
	for (i = 0; i < cfg->excluded_count; i++) {
		vp_puts(p, "    [");
		vp_string(p, cfg->excluded_devices[i]);
		vp_puts(p, "],\n");
	}
	vp_puts(p, "]\n");
	vp_pt_ports(p, cfg);
	vp_dma_passthrough(p, cfg);
}

void vmcfg_print(const struct vm_config *cfg,
		 void (*out)(void *ctx, const char *s), void *ctx)
{
	struct vp p = { .out = out, .ctx = ctx };

	vp_base(&p, cfg);
	vp_kernel(&p, cfg);
	vp_devices(&p, cfg);
	vp_flush(&p);
}
