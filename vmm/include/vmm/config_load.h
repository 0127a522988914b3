/* VM configs from where they are kept: embedded in cvisor at build time,
 * or files on the disk's FAT32. Each problem goes to 'report' with its
 * file, line and column, as `cvisor-config check` prints them. */
#ifndef VMM_CONFIG_LOAD_H
#define VMM_CONFIG_LOAD_H

#include <config/vm_config.h>

/* The largest config file read from the disk. */
#define CONFIG_FILE_MAX (64 * 1024)

/* Parses the config 'text' named 'name': a config of the caller's to
 * kfree(), or NULL when it has errors (reported) or no memory. */
struct vm_config *config_parse(const char *name, const char *text, size_t len,
			       vmcfg_report_fn report, void *ctx);
/* Reads and parses the config at 'path' on the disk; NULL with *why set
 * when it cannot be read (the errors of its text go to 'report'). */
struct vm_config *config_read_disk(const char *path, vmcfg_report_fn report,
				   void *ctx, const char **why);
/* Calls fn for each *.toml file of the disk's directory 'dir', in the
 * order the directory holds them; false when the directory cannot be
 * read (no disk, no such directory). */
bool config_list_disk(const char *dir, void (*fn)(const char *path, void *ctx),
		      void *ctx);

#endif
