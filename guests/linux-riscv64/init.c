/* /init of the riscv64 Linux test initramfs (scripts/guest-images.sh).
 * Debian 12 has no riscv64 busybox, so this does in C what the aarch64
 * initramfs's busybox script does, with the same messages: watch the
 * power button, count the CPUs, checksum some data in four processes
 * spread over every CPU, check they agree, take a passthrough RTC's
 * alarm where the VM has one, power off (SBI SRST under
 * cvisor). With cvisor.stay on the command line it stays up instead,
 * until the power button is pressed (tests/groups/qemu-riscv64-shell.sh).
 * Built static against glibc (libc6-dev-riscv64-cross). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/input.h>
#include <linux/rtc.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/select.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define WORKERS    4
#define WORK_BYTES (4u << 20)
/* What work_sum() gives: the same on every host (see work_sum). */
#define WORK_SUM 0xe6b7ba973da22325ull

static void say(const char *fmt, const char *a, const char *b)
{
	printf("cvisor-linux: ");
	printf(fmt, a, b);
	printf("\n");
	fflush(stdout);
}

/* FNV-1a over WORK_BYTES of a fixed pattern, a page at a time, so that
 * the work touches memory as well as the ALU. */
static uint64_t work_sum(void)
{
	static unsigned char page[4096];
	uint64_t h = 0xcbf29ce484222325ull;

	for (unsigned p = 0; p < WORK_BYTES / sizeof(page); p++) {
		for (unsigned i = 0; i < sizeof(page); i++)
			page[i] = (unsigned char)(p * 131 + i * 7);
		for (unsigned i = 0; i < sizeof(page); i++)
			h = (h ^ page[i]) * 0x100000001b3ull;
	}
	return h;
}

static void read_line(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");

	buf[0] = 0;
	if (f) {
		if (fgets(buf, (int)size, f))
			buf[strcspn(buf, "\n")] = 0;
		fclose(f);
	}
}

static int cpus_in_cpuinfo(void)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[256];
	int n = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		n += strncmp(line, "processor", 9) == 0;
	fclose(f);
	return n;
}

/* The VM's power button (docs/shell.md): the input device named
 * "gpio-keys", watched by a child that powers off at its first event,
 * as a desktop's logind would. */
static void watch_power_button(void)
{
	char path[64], name[64];

	for (int i = 0; i < 32; i++) {
		snprintf(path, sizeof(path),
			 "/sys/class/input/event%d/device/name", i);
		read_line(path, name, sizeof(name));
		if (strcmp(name, "gpio-keys") != 0)
			continue;
		snprintf(path, sizeof(path), "/dev/input/event%d", i);
		pid_t pid = fork();
		if (pid == 0) {
			struct input_event ev;
			int fd = open(path, O_RDONLY);
			if (fd >= 0 &&
			    read(fd, &ev, sizeof(ev)) == sizeof(ev)) {
				say("power button pressed, powering off", "",
				    "");
				sync();
				reboot(RB_POWER_OFF);
			}
			_exit(1);
		}
		if (pid > 0)
			say("power button watched", "", "");
	}
}

/* Whether the kernel's command line has the word 'word'. */
static int cmdline_has(const char *word)
{
	char line[1024], *tok, *save;

	read_line("/proc/cmdline", line, sizeof(line));
	for (tok = strtok_r(line, " ", &save); tok;
	     tok = strtok_r(NULL, " ", &save))
		if (strcmp(tok, word) == 0)
			return 1;
	return 0;
}

/* The interrupts counted in /proc/interrupts on the first line that
 * names 'what' (its first CPU's column), as a string into 'out'. */
static void irq_count(const char *what, char *out, size_t size)
{
	FILE *f = fopen("/proc/interrupts", "r");
	char line[256];

	snprintf(out, size, "none");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		unsigned long n;
		if (strstr(line, what) && sscanf(line, "%*s %lu", &n) == 1) {
			snprintf(out, size, "%lu", n);
			break;
		}
	}
	fclose(f);
}

/* A passthrough RTC (configs/vms/linux-pt-riscv64.toml): its driver
 * bound from the guest DTB, its alarm set 2 s ahead and waited for on
 * /dev/rtc0 (goldfish's driver offers no sysfs wakealarm, as aarch64's
 * pl031 does), then the RTC's line in /proc/interrupts read: the test
 * wants 1 there, which only the forwarded interrupt makes. (An alarm
 * the kernel found past as it was set, after a stall of over a second
 * between the two ioctls, would end the wait without it.) */
static void rtc_check(void)
{
	struct rtc_wkalrm alarm = { .enabled = 1 };
	struct timeval timeout = { .tv_sec = 5 };
	char name[64], since[32], count[32];
	struct rtc_time now;
	unsigned long data;
	struct tm tm;
	fd_set ready;
	time_t t;
	int fd;

	read_line("/sys/class/rtc/rtc0/name", name, sizeof(name));
	if (!strstr(name, "goldfish"))
		return;
	read_line("/sys/class/rtc/rtc0/since_epoch", since, sizeof(since));
	say("rtc0 is %s, %s s since 1970", name, since);
	fd = open("/dev/rtc0", O_RDONLY);
	if (fd < 0) {
		say("rtc FAILED: cannot open /dev/rtc0", "", "");
		return;
	}
	if (ioctl(fd, RTC_RD_TIME, &now) < 0) {
		say("rtc FAILED: cannot read the time", "", "");
		close(fd);
		return;
	}
	/* The alarm 2 s ahead, the date carried over by timegm(). */
	tm = (struct tm){ 0 };
	tm.tm_sec = now.tm_sec + 2;
	tm.tm_min = now.tm_min;
	tm.tm_hour = now.tm_hour;
	tm.tm_mday = now.tm_mday;
	tm.tm_mon = now.tm_mon;
	tm.tm_year = now.tm_year;
	t = timegm(&tm);
	gmtime_r(&t, &tm);
	alarm.time.tm_sec = tm.tm_sec;
	alarm.time.tm_min = tm.tm_min;
	alarm.time.tm_hour = tm.tm_hour;
	alarm.time.tm_mday = tm.tm_mday;
	alarm.time.tm_mon = tm.tm_mon;
	alarm.time.tm_year = tm.tm_year;
	alarm.time.tm_wday = alarm.time.tm_yday = alarm.time.tm_isdst = -1;
	FD_ZERO(&ready);
	FD_SET(fd, &ready);
	if (ioctl(fd, RTC_WKALM_SET, &alarm) < 0 ||
	    select(fd + 1, &ready, NULL, NULL, &timeout) != 1 ||
	    read(fd, &data, sizeof(data)) != sizeof(data) || !(data & RTC_AF)) {
		say("rtc FAILED: no alarm within 5 s", "", "");
		close(fd);
		return;
	}
	close(fd);
	irq_count("rtc", count, sizeof(count));
	say("rtc alarm interrupts taken: %s", count, "");
}

/* A worker: on CPU 'cpu', its checksum written to 'fd'. */
static void worker(int cpu, int fd)
{
	cpu_set_t set;
	uint64_t sum;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
	sum = work_sum();
	_exit(write(fd, &sum, sizeof(sum)) == sizeof(sum) ? 0 : 1);
}

/* The workers' checksums all WORK_SUM, and each exited 0. Their own
 * pids are waited for: the power button's watcher is a child too. */
static int work(int ncpu)
{
	int fds[2], ok = 1;
	pid_t pids[WORKERS];
	uint64_t sum;

	if (pipe(fds))
		return 0;
	for (int i = 0; i < WORKERS; i++) {
		pids[i] = fork();
		if (pids[i] == 0)
			worker(i % (ncpu > 0 ? ncpu : 1), fds[1]);
		if (pids[i] < 0)
			ok = 0;
	}
	close(fds[1]);
	for (int i = 0; i < WORKERS; i++) {
		if (read(fds[0], &sum, sizeof(sum)) != sizeof(sum) ||
		    sum != WORK_SUM)
			ok = 0;
	}
	for (int i = 0, status; i < WORKERS; i++)
		ok &= pids[i] > 0 && waitpid(pids[i], &status, 0) == pids[i] &&
		      WIFEXITED(status) && WEXITSTATUS(status) == 0;
	return ok;
}

int main(void)
{
	char online[64], n[16];
	int fd, ncpu;

	mount("proc", "/proc", "proc", 0, NULL);
	mount("sysfs", "/sys", "sysfs", 0, NULL);
	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	fd = open("/dev/console", O_RDWR);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
	}
	watch_power_button();
	ncpu = cpus_in_cpuinfo();
	snprintf(n, sizeof(n), "%d", ncpu);
	read_line("/sys/devices/system/cpu/online", online, sizeof(online));
	say("%s CPUs up (online %s)", n, online);
	if (work(ncpu))
		say("work done, checksums agree", "", "");
	else
		say("work FAILED: checksums differ", "", "");
	rtc_check();
	if (cmdline_has("cvisor.stay")) {
		say("staying up, until the power button", "", "");
		for (;;)
			pause();
	}
	say("powering off", "", "");
	sync();
	reboot(RB_POWER_OFF);
	say("power off failed", "", "");
	for (;;)
		pause();
}
