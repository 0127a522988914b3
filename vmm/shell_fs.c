/* The shell's file commands on the disk's FAT32 (docs/shell.md): ls, cd,
 * pwd, cat, echo [> FILE], touch, mkdir, rm, cp, mv. Paths are relative
 * to the shell's directory; "." and ".." are resolved here (the file
 * system knows neither). Writing needs a writable disk (DISK_RO=off);
 * every error is the file system's message, naming the path. */
#include <fs/fat32.h>
#include <kernel/mm.h>
#include <kernel/sched.h>
#include <stdio.h>
#include <string.h>
#include <vmm/disk.h>
#include <vmm/shell.h>

static char cwd[FAT_MAX_PATH] = "/";

/* The volume, or NULL with a line saying why. */
static struct fat_fs *volume(const char *cmd)
{
	const char *why = NULL;
	struct fat_fs *fs = disk_fs(&why);

	if (!fs)
		shell_printf("%s: no disk: %s\n", cmd, why);
	return fs;
}

/* The absolute path of 'arg' from the shell's directory, with "." and
 * ".." resolved; false (and a line) when it is too long. */
static bool resolve(const char *cmd, const char *arg, char *out)
{
	char tmp[FAT_MAX_PATH * 2];
	size_t n = 0;

	snprintf(tmp, sizeof(tmp), "%s/%s", arg[0] == '/' ? "" : cwd, arg);
	out[0] = '\0';
	for (char *p = tmp; *p;) {
		while (*p == '/')
			p++;
		char *name = p;
		while (*p && *p != '/')
			p++;
		size_t len = (size_t)(p - name);
		if (!len || (len == 1 && name[0] == '.'))
			continue;
		if (len == 2 && name[0] == '.' && name[1] == '.') {
			while (n && out[n - 1] != '/')
				n--;
			if (n)
				n--; /* the '/' before it */
			out[n] = '\0';
			continue;
		}
		if (n + 1 + len >= FAT_MAX_PATH) {
			shell_printf("%s: %s: path too long\n", cmd, arg);
			return false;
		}
		out[n++] = '/';
		memcpy(out + n, name, len);
		n += len;
		out[n] = '\0';
	}
	if (!n)
		snprintf(out, FAT_MAX_PATH, "/");
	return true;
}

/* Opens 'path'; false (and the file system's line) if it cannot. */
static bool open_path(const char *cmd, struct fat_fs *fs, const char *path,
		      struct fat_file *f)
{
	if (!fat_open(fs, path, f))
		return true;
	shell_printf("%s: %s\n", cmd, fat_file_error(f));
	return false;
}

static const char *base_name(const char *path)
{
	const char *s = path;

	for (const char *p = path; *p; p++)
		if (*p == '/' && p[1])
			s = p + 1;
	return s;
}

static bool ls_line(void *ctx, const struct fat_dirent *e)
{
	(void)ctx;
	if (e->is_dir)
		shell_printf("%10s  %s/\n", "", e->name);
	else
		shell_printf("%10u  %s\n", e->size, e->name);
	return true;
}

static void cmd_ls(int argc, char **argv)
{
	char path[FAT_MAX_PATH];
	struct fat_file f;
	struct fat_fs *fs = volume("ls");

	if (!fs || !resolve("ls", argc > 1 ? argv[1] : ".", path) ||
	    !open_path("ls", fs, path, &f))
		return;
	if (!f.is_dir) {
		shell_printf("%10u  %s\n", f.size, base_name(path));
		return;
	}
	if (fat_readdir(fs, &f, ls_line, NULL))
		shell_printf("ls: %s\n", fat_file_error(&f));
}

static void cmd_cd(int argc, char **argv)
{
	char path[FAT_MAX_PATH];
	struct fat_file f;
	struct fat_fs *fs = volume("cd");

	if (!fs || !resolve("cd", argc > 1 ? argv[1] : "/", path) ||
	    !open_path("cd", fs, path, &f))
		return;
	if (!f.is_dir) {
		shell_printf("cd: %s: not a directory\n", path);
		return;
	}
	snprintf(cwd, sizeof(cwd), "%s", path);
}

static void cmd_pwd(int argc, char **argv)
{
	(void)argc, (void)argv;
	shell_printf("%s\n", cwd);
}

static void cmd_cat(int argc, char **argv)
{
	struct fat_fs *fs = volume("cat");
	char path[FAT_MAX_PATH], buf[200];
	struct fat_file f;

	if (argc < 2) {
		shell_printf("cat: which file? (cat FILE ...)\n");
		return;
	}
	for (int i = 1; fs && i < argc; i++) {
		if (!resolve("cat", argv[i], path) ||
		    !open_path("cat", fs, path, &f))
			continue;
		if (f.is_dir) {
			shell_printf("cat: %s: a directory\n", path);
			continue;
		}
		bool newline = true;
		for (uint64_t off = 0; off < f.size;) {
			long n = fat_read(fs, &f, off, buf, sizeof(buf) - 1);
			if (n <= 0) {
				shell_printf("\ncat: %s\n", fat_file_error(&f));
				break;
			}
			for (long k = 0; k < n; k++)
				if (buf[k] == '\0')
					buf[k] =
						'.'; /* binary: shown, not cut */
			buf[n] = '\0';
			shell_printf("%s", buf);
			newline = buf[n - 1] == '\n';
			off += (uint64_t)n;
		}
		if (!newline)
			shell_printf("\n");
	}
}

/* Opens 'path' for writing from its start: created, or cut to 0. */
static bool open_for_write(const char *cmd, struct fat_fs *fs, const char *path,
			   struct fat_file *f)
{
	if (!fat_open(fs, path, f)) {
		if (f->is_dir) {
			shell_printf("%s: %s: a directory\n", cmd, path);
			return false;
		}
		if (!fat_truncate(fs, f, 0))
			return true;
	} else if (!fat_create(fs, path, f)) {
		return true;
	}
	shell_printf("%s: %s\n", cmd, fat_file_error(f));
	return false;
}

static void cmd_echo(int argc, char **argv)
{
	char text[256] = "", path[FAT_MAX_PATH];
	int words = argc;
	size_t n = 0;

	if (argc >= 3 && !strcmp(argv[argc - 2], ">"))
		words = argc - 2;
	for (int i = 1; i < words; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "%s%s",
				      i > 1 ? " " : "", argv[i]);
	if (n >= sizeof(text) - 1)
		n = sizeof(text) - 2;
	text[n++] = '\n';
	text[n] = '\0';
	if (words == argc) {
		shell_printf("%s", text);
		return;
	}
	struct fat_fs *fs = volume("echo");
	struct fat_file f;
	if (!fs || !resolve("echo", argv[argc - 1], path) ||
	    !open_for_write("echo", fs, path, &f))
		return;
	if (fat_write(fs, &f, 0, text, n) != (long)n)
		shell_printf("echo: %s\n", fat_file_error(&f));
}

static void cmd_touch(int argc, char **argv)
{
	struct fat_fs *fs = volume("touch");
	char path[FAT_MAX_PATH];
	struct fat_file f;

	if (argc < 2)
		shell_printf("touch: which file? (touch FILE ...)\n");
	for (int i = 1; fs && i < argc; i++) {
		if (!resolve("touch", argv[i], path))
			continue;
		if (!fat_open(fs, path, &f))
			continue; /* there already: FAT keeps no times here */
		if (fat_create(fs, path, &f))
			shell_printf("touch: %s\n", fat_file_error(&f));
	}
}

/* A path call: each argument resolved, the call made, its error shown. */
static void each_path(int argc, char **argv,
		      int (*op)(struct fat_fs *, const char *, char *))
{
	struct fat_fs *fs = volume(argv[0]);
	char path[FAT_MAX_PATH], msg[FAT_MSG_SIZE];
	struct fat_file f;

	if (argc < 2)
		shell_printf("%s: which path? (%s PATH ...)\n", argv[0],
			     argv[0]);
	for (int i = 1; fs && i < argc; i++) {
		if (!resolve(argv[0], argv[i], path))
			continue;
		int (*call)(struct fat_fs *, const char *, char *) = op;
		/* rm takes an (empty) directory as rmdir does. */
		if (op == fat_unlink && !fat_open(fs, path, &f) && f.is_dir)
			call = fat_rmdir;
		if (call(fs, path, msg))
			shell_printf("%s: %s\n", argv[0], msg);
	}
}

static void cmd_mkdir(int argc, char **argv)
{
	each_path(argc, argv, fat_mkdir);
}

static void cmd_rm(int argc, char **argv)
{
	each_path(argc, argv, fat_unlink);
}

/* The destination of cp or mv: 'dst', or dst/NAME when it is a
 * directory. */
static bool target(struct fat_fs *fs, const char *cmd, const char *src,
		   const char *dst, char *out)
{
	struct fat_file d;

	if (!resolve(cmd, dst, out))
		return false;
	if (fat_open(fs, out, &d) || !d.is_dir)
		return true;
	size_t n = strlen(out);
	const char *name = base_name(src);
	if (n + 1 + strlen(name) >= FAT_MAX_PATH) {
		shell_printf("%s: %s/%s: path too long\n", cmd, out, name);
		return false;
	}
	snprintf(out + n, FAT_MAX_PATH - n, "%s%s",
		 out[n - 1] == '/' ? "" : "/", name);
	return true;
}

#define CP_CHUNK 4096

static void cmd_cp(int argc, char **argv)
{
	struct fat_fs *fs = volume("cp");
	char src[FAT_MAX_PATH], dst[FAT_MAX_PATH];
	struct fat_file in, out;

	if (argc != 3) {
		shell_printf("cp: cp FROM TO\n");
		return;
	}
	if (!fs || !resolve("cp", argv[1], src) ||
	    !open_path("cp", fs, src, &in) ||
	    !target(fs, "cp", src, argv[2], dst))
		return;
	if (in.is_dir) {
		shell_printf("cp: %s: a directory\n", src);
		return;
	}
	if (!strcmp(src, dst)) {
		shell_printf("cp: %s: the same file\n", src);
		return;
	}
	char *buf = kzalloc(CP_CHUNK);
	if (!buf) {
		shell_printf("cp: no memory\n");
		return;
	}
	if (open_for_write("cp", fs, dst, &out)) {
		for (uint64_t off = 0; off < in.size; off += CP_CHUNK) {
			long n = fat_read(fs, &in, off, buf, CP_CHUNK);
			if (n <= 0) {
				shell_printf("cp: %s\n", fat_file_error(&in));
				break;
			}
			if (fat_write(fs, &out, off, buf, (size_t)n) != n) {
				shell_printf("cp: %s\n", fat_file_error(&out));
				break;
			}
			/* A long copy leaves the CPU's vCPUs their turns. */
			sched_yield();
		}
	}
	kfree(buf);
}

static void cmd_mv(int argc, char **argv)
{
	struct fat_fs *fs = volume("mv");
	char src[FAT_MAX_PATH], dst[FAT_MAX_PATH], msg[FAT_MSG_SIZE];

	if (argc != 3) {
		shell_printf("mv: mv FROM TO\n");
		return;
	}
	if (!fs || !resolve("mv", argv[1], src) ||
	    !target(fs, "mv", src, argv[2], dst))
		return;
	if (fat_rename(fs, src, dst, msg))
		shell_printf("mv: %s\n", msg);
}

const struct shell_cmd shell_fs_cmds[] = {
	{ "ls", "[PATH]", "a directory's entries, or a file", cmd_ls },
	{ "cd", "[DIR]", "the shell's directory (/ without one)", cmd_cd },
	{ "pwd", "", "the shell's directory", cmd_pwd },
	{ "cat", "FILE ...", "print files", cmd_cat },
	{ "echo", "TEXT ... [> FILE]", "print, or write a file", cmd_echo },
	{ "touch", "FILE ...", "create empty files", cmd_touch },
	{ "mkdir", "DIR ...", "create directories", cmd_mkdir },
	{ "rm", "PATH ...", "remove files and empty directories", cmd_rm },
	{ "cp", "FROM TO", "copy a file (TO may be a directory)", cmd_cp },
	{ "mv", "FROM TO", "rename or move (TO may be a directory)", cmd_mv },
	{ NULL, NULL, NULL, NULL },
};
