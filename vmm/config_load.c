/* VM configs from memory and from the disk (vmm/config_load.h). */
#include <kernel/log.h>
#include <kernel/mm.h>
#include <stdio.h>
#include <string.h>
#include <vmm/config_load.h>
#include <vmm/disk.h>

struct vm_config *config_parse(const char *name, const char *text, size_t len,
			       vmcfg_report_fn report, void *ctx)
{
	struct vm_config *cfg = kzalloc(sizeof(*cfg));
	void *arena = kzalloc(VMCFG_ARENA_SIZE);
	int err = -1;

	if (cfg && arena)
		err = vmcfg_parse(name, text, len, arena, VMCFG_ARENA_SIZE, cfg,
				  report, ctx);
	else
		pr_error("%s: no memory to read it", name);
	kfree(arena);
	if (err) {
		kfree(cfg);
		return NULL;
	}
	return cfg;
}

struct vm_config *config_read_disk(const char *path, vmcfg_report_fn report,
				   void *ctx, const char **why)
{
	struct fat_fs *fs = disk_fs(why);
	struct fat_file f;
	struct vm_config *cfg = NULL;

	if (!fs)
		return NULL;
	if (fat_open(fs, path, &f)) {
		/* The caller's to print before the next read: one shell. */
		static char msg[FAT_MSG_SIZE];
		snprintf(msg, sizeof(msg), "%s", fat_file_error(&f));
		*why = msg;
		return NULL;
	}
	if (f.is_dir) {
		*why = "a directory";
		return NULL;
	}
	if (f.size > CONFIG_FILE_MAX) {
		*why = "too large for a config (over 64 KiB)";
		return NULL;
	}
	char *text = kzalloc(f.size + 1);
	if (!text) {
		*why = "no memory to read it";
		return NULL;
	}
	long n = fat_read(fs, &f, 0, text, f.size);
	if (n != (long)f.size)
		*why = "the disk could not be read";
	else if (!(cfg = config_parse(path, text, f.size, report, ctx)))
		*why = "it has errors";
	kfree(text);
	return cfg;
}

struct list_ctx {
	const char *dir;
	char (*paths)[FAT_MAX_PATH];
	unsigned count, max;
};

static bool is_toml(const char *name)
{
	size_t n = strlen(name);
	const char *ext = ".toml";

	if (n <= 5)
		return false;
	for (unsigned i = 0; i < 5; i++) {
		char c = name[n - 5 + i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != ext[i])
			return false;
	}
	return true;
}

static bool list_one(void *ctx, const struct fat_dirent *e)
{
	struct list_ctx *l = ctx;

	if (e->is_dir || !is_toml(e->name) || l->count == l->max)
		return true;
	snprintf(l->paths[l->count++], FAT_MAX_PATH, "%s/%s", l->dir, e->name);
	return true;
}

bool config_list_disk(const char *dir, void (*fn)(const char *path, void *ctx),
		      void *ctx)
{
	const char *why;
	struct fat_fs *fs = disk_fs(&why);
	struct fat_file d;
	struct list_ctx l = { .dir = dir, .max = 32 };

	if (!fs || fat_open(fs, dir, &d) || !d.is_dir)
		return false;
	/* Gathered first: fn reads the volume, which the walk holds. */
	l.paths = kzalloc(sizeof(*l.paths) * l.max);
	if (!l.paths)
		return false;
	bool ok = !fat_readdir(fs, &d, list_one, &l);
	for (unsigned i = 0; ok && i < l.count; i++)
		fn(l.paths[i], ctx);
	kfree(l.paths);
	return ok;
}
