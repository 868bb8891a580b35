/*
 * Unit tests for lib/chart.c: every chart kind in PNG, SVG and PDF, byte
 * stability, Thai shaping, tick steps, atomic writes.
 *
 * With DIDKPI_CHART_REVIEW_DIR set, test_review_files also writes the
 * fixture charts there (trend-th.png, ..., trend-en.png) for people to look
 * at.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cairo.h>
#include <pango/pangocairo.h>

#include "../../lib/chart.h"
#include "../../lib/chartspec.h"
#include "../../lib/log.h"
#include "../../lib/pngout.h"
#include "../../lib/status.h"

#define W 1000
#define H 600

static char tmpdir[64];

/* Fixtures: fiscal year 2568 (Oct 2024 - Sep 2025), Thai short months. */

static const char *const months_th[12] = {
	"ต.ค. 67", "พ.ย. 67", "ธ.ค. 67", "ม.ค. 68", "ก.พ. 68", "มี.ค. 68",
	"เม.ย. 68", "พ.ค. 68", "มิ.ย. 68", "ก.ค. 68", "ส.ค. 68", "ก.ย. 68"
};
static const char *const months_en[12] = {
	"Oct 24", "Nov 24", "Dec 24", "Jan 25", "Feb 25", "Mar 25",
	"Apr 25", "May 25", "Jun 25", "Jul 25", "Aug 25", "Sep 25"
};

/* digital_id_use_rate, all services and one service (no data in Oct). */
static const double use_all[12] = {
	0.182, 0.205, 0.236, 0.311, 0.374, 0.418,
	0.466, 0.521, 0.574, 0.608, 0.652, 0.697
};
static const double use_test[12] = {
	NAN, 0.120, 0.254, 0.392, 0.455, 0.497,
	0.553, 0.588, 0.641, 0.676, 0.702, 0.741
};
static const struct chart_series trend_series_th[] = {
	{ "ทุกบริการ", use_all, NULL, NULL, 1 },
	{ "ทดสอบมาตรฐานฝีมือแรงงานแห่งชาติ", use_test, NULL, NULL, 1 },
};
static const struct chart_series trend_series_en[] = {
	{ "All services", use_all, NULL, NULL, 1 },
	{ "National skill standard test", use_test, NULL, NULL, 1 },
};
/* Adoption dates: three services in January share one month. */
static const struct chart_marker adopt_th[] = {
	{ 1.3, "ทดสอบมาตรฐานฝีมือแรงงานแห่งชาติ" },
	{ 3.0, "รับรองความรู้ความสามารถ" },
	{ 3.0, "ฝึกอบรมยกระดับฝีมือแรงงาน" },
	{ 3.0, "ขอรับใบอนุญาตจัดตั้งศูนย์ทดสอบ" },
	{ 3.0, "ฝึกอบรมเตรียมเข้าทำงาน" },
	{ 4.4, "ขึ้นทะเบียนผู้รับการฝึก" },
	{ 10.6, "ขึ้นทะเบียนสถานประกอบกิจการ" },
};
static const struct chart_marker adopt_en[] = {
	{ 1.3, "Skill standard test" },
	{ 3.0, "Competency certification" },
	{ 3.0, "Upskilling courses" },
	{ 4.4, "Trainee registration" },
	{ 10.6, "Employer registration" },
};

static struct chart trend_th(void)
{
	struct chart c = {
		.kind = CHART_LINE,
		.thai = 1,
		.title = "อัตราการใช้ Digital ID ของคำขอผ่านช่องทางดิจิทัล",
		.subtitle = "ปีงบประมาณ พ.ศ. 2568 รายเดือน "
			    "เส้นประแนวตั้ง = วันที่บริการเริ่มรับ Digital ID",
		.source = "ที่มา: กรมพัฒนาฝีมือแรงงาน ระบบ didkpi  "
			  "ข้อมูล 1 ต.ค. 2567 – 30 ก.ย. 2568  "
			  "สร้างเมื่อ 5 ต.ค. 2568",
		.categories = months_th, .ncategories = 12,
		.series = trend_series_th, .nseries = 2,
		.format = CHART_FMT_PERCENT,
		.y_title = "ร้อยละของคำขอดิจิทัลที่ยืนยันตัวตนด้วย Digital ID",
		.has_target = 1, .target = 0.6,
		.markers = adopt_th, .nmarkers = 7,
	};
	return c;
}

static struct chart trend_en(void)
{
	struct chart c = {
		.kind = CHART_LINE,
		.title = "Digital ID use on digital-channel requests",
		.subtitle = "Fiscal year 2025 (B.E. 2568), monthly; dashed "
			    "verticals mark Digital ID adoption",
		.source = "Source: Department of Skill Development, didkpi; "
			  "data 1 Oct 2024 - 30 Sep 2025; generated 5 Oct 2025",
		.categories = months_en, .ncategories = 12,
		.series = trend_series_en, .nseries = 2,
		.format = CHART_FMT_PERCENT,
		.y_title = "Share of digital requests authenticated with "
			   "Digital ID",
		.has_target = 1, .target = 0.6,
		.markers = adopt_en, .nmarkers = 5,
	};
	return c;
}

/* Median service time before/after adoption, per service. */
static const char *const services_th[6] = {
	"ทดสอบมาตรฐานฝีมือแรงงานแห่งชาติ",
	"รับรองความรู้ความสามารถ",
	"ฝึกอบรมยกระดับฝีมือแรงงาน",
	"ขอรับใบอนุญาตจัดตั้งศูนย์ทดสอบ",
	"ฝึกอบรมเตรียมเข้าทำงาน",
	"ขึ้นทะเบียนสถานประกอบกิจการ",
};
static const double before_h[6] = { 72.4, 50.1, 26.3, 118.0, 20.5, 9.8 };
static const double before_lo[6] = { 66.0, 44.8, 22.9, 104.5, 17.2, 8.1 };
static const double before_hi[6] = { 79.1, 55.6, 30.2, 131.0, 24.1, 11.6 };
static const double after_h[6] = { 38.6, 41.7, 24.9, 61.2, 12.3, NAN };
static const double after_lo[6] = { 34.2, 36.0, 21.1, 52.8, 10.4, NAN };
static const double after_hi[6] = { 43.3, 47.9, 28.8, 70.4, 14.6, NAN };
static const struct chart_series compare_series_th[] = {
	{ "ก่อนใช้ Digital ID (6 เดือน)", before_h, before_lo, before_hi,
	  0 },
	{ "หลังใช้ Digital ID (6 เดือน)", after_h, after_lo, after_hi, 1 },
};

static struct chart compare_th(void)
{
	struct chart c = {
		.kind = CHART_GROUPED_BAR,
		.thai = 1,
		.title = "เวลาให้บริการ (มัธยฐาน) ก่อนและหลังใช้ Digital ID",
		.subtitle = "รายบริการ ช่วงละ 6 เดือนก่อนและหลังวันที่เริ่มรับ "
			    "Digital ID  บริการสุดท้ายยังไม่ครบช่วงหลัง",
		.source = "ที่มา: ระบบ didkpi  สร้างเมื่อ 5 ต.ค. 2568",
		.categories = services_th, .ncategories = 6,
		.series = compare_series_th, .nseries = 2,
		.format = CHART_FMT_HOURS,
		.y_title = "ชั่วโมง (มัธยฐาน)",
	};
	return c;
}

/* Change in digital channel rate: negative and near-zero values. */
static const double change[6] = { 0.184, -0.052, 0.003, 0.0, 0.121, NAN };
static const double change_lo[6] = { 0.141, -0.097, -0.021, -0.018, 0.077,
				     NAN };
static const double change_hi[6] = { 0.227, -0.007, 0.027, 0.018, 0.165,
				     NAN };
static const struct chart_series change_series[] = {
	{ "การเปลี่ยนแปลง", change, change_lo, change_hi, 1 },
};

static struct chart change_th(void)
{
	struct chart c = {
		.kind = CHART_GROUPED_BAR,
		.thai = 1,
		.title = "การเปลี่ยนแปลงอัตราการใช้ช่องทางดิจิทัล",
		.categories = services_th, .ncategories = 6,
		.series = change_series, .nseries = 1,
		.format = CHART_FMT_PERCENT,
	};
	return c;
}

/* Successful authentications by method and month. */
static const double m_thaid[12] = {
	8200, 10400, 13900, 19800, 24100, 28700,
	33000, 38400, 42600, 47300, 52900, 58100
};
static const double m_chip[12] = {
	6100, 6300, 6600, 7000, 7300, 7400, 7700, 7600, 7900, 8100, 8000, 8200
};
static const double m_face[12] = {
	1200, 1500, 1900, 2600, 3300, 3900, 4600, 5100, 5600, 6300, 6800, 7400
};
static const double m_finger[12] = {
	2400, 2300, 2500, 2400, 2600, 2500, 2700, 2600, NAN, 2500, 2700, 2600
};
static const double m_otp[12] = {
	15800, 15600, 15100, 14300, 13500, 12900,
	12100, 11500, 10900, 10100, 9600, 9000
};
static const double m_pass[12] = {
	21400, 20800, 19600, 17100, 15300, 13700,
	12200, 10800, 9700, 8600, 7600, 6800
};
static const struct chart_series method_series_th[] = {
	{ "ThaiD (ไทยดี)", m_thaid, NULL, NULL, 1 },
	{ "บัตรประชาชน (ชิป)", m_chip, NULL, NULL, 1 },
	{ "ใบหน้า", m_face, NULL, NULL, 1 },
	{ "ลายนิ้วมือ", m_finger, NULL, NULL, 1 },
	{ "OTP", m_otp, NULL, NULL, 0 },
	{ "รหัสผ่าน", m_pass, NULL, NULL, 0 },
};

static struct chart methods_th(void)
{
	struct chart c = {
		.kind = CHART_STACKED_BAR,
		.thai = 1,
		.title = "สัดส่วนวิธีการยืนยันตัวตนที่สำเร็จ รายเดือน",
		.subtitle = "ปีงบประมาณ พ.ศ. 2568  สีเข้ม = Digital ID  "
			    "สีเทา = วิธีเดิม",
		.source = "ที่มา: ระบบ didkpi  ข้อมูล 1 ต.ค. 2567 – "
			  "30 ก.ย. 2568  สร้างเมื่อ 5 ต.ค. 2568",
		.categories = months_th, .ncategories = 12,
		.series = method_series_th, .nseries = 6,
		.format = CHART_FMT_PERCENT,
		.y_title = "ร้อยละของการยืนยันตัวตน",
		.stacked_share = 1,
		.has_target = 1, .target = 0.5,
		.target_label = "เป้าหมาย Digital ID 50%",
	};
	return c;
}

/* Requests by channel and month (counts). */
static const double ch_counter[12] = {
	14200, 13900, 13100, 12400, 11800, 11000,
	10300, 9700, 9100, 8700, 8100, 7600
};
static const double ch_web[12] = {
	9800, 10100, 10900, 11600, 12000, 12700,
	13300, 13800, 14500, 15000, 15600, 16100
};
static const double ch_mobile[12] = {
	3100, 3600, 4300, 5200, 6100, 7000,
	7900, 8800, 9600, 10400, 11300, 12200
};
static const double ch_kiosk[12] = {
	0, 0, 0, 250, 610, 880, 1020, 1190, 1240, 1310, 1380, 1450
};
static const struct chart_series channel_series_th[] = {
	{ "เคาน์เตอร์", ch_counter, NULL, NULL, 0 },
	{ "เว็บไซต์", ch_web, NULL, NULL, 1 },
	{ "แอปพลิเคชันมือถือ", ch_mobile, NULL, NULL, 1 },
	{ "ตู้บริการอัตโนมัติ", ch_kiosk, NULL, NULL, 1 },
};

static struct chart channels_th(void)
{
	struct chart c = {
		.kind = CHART_STACKED_BAR,
		.thai = 1,
		.title = "จำนวนคำขอรับบริการแยกตามช่องทาง รายเดือน",
		.subtitle = "ปีงบประมาณ พ.ศ. 2568  สีเทา = เคาน์เตอร์  "
			    "สีเข้ม = ช่องทางดิจิทัล",
		.source = "ที่มา: ระบบ didkpi  สร้างเมื่อ 5 ต.ค. 2568",
		.categories = months_th, .ncategories = 12,
		.series = channel_series_th, .nseries = 4,
		.format = CHART_FMT_NUMBER,
		.y_title = "คำขอ",
	};
	return c;
}

typedef struct chart (*fixture_fn)(void);

static const struct {
	const char *name;
	fixture_fn make;
} fixtures[] = {
	{ "trend-th", trend_th },
	{ "trend-en", trend_en },
	{ "compare-th", compare_th },
	{ "change-th", change_th },
	{ "methods-th", methods_th },
	{ "channels-th", channels_th },
};
#define NFIXTURES (sizeof fixtures / sizeof fixtures[0])

/* Helpers. */

/* "dir/name" in one of a few static buffers (enough for one test line). */
static char *path_in(const char *dir, const char *name)
{
	static char buf[8][512];
	static int k;
	char *p = buf[k++ % 8];
	size_t ld = strlen(dir), ln = strlen(name);

	assert_true(ld + ln + 2 <= sizeof buf[0]);
	memmove(p, dir, ld);
	p[ld] = '/';
	memcpy(p + ld + 1, name, ln + 1);
	return p;
}

static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	unsigned char *b = NULL;
	long n;

	if (!fp)
		return NULL;
	if (fseek(fp, 0, SEEK_END) == 0 && (n = ftell(fp)) >= 0 &&
	    fseek(fp, 0, SEEK_SET) == 0) {
		b = malloc((size_t)n + 1);
		if (b && fread(b, 1, (size_t)n, fp) != (size_t)n) {
			free(b);
			b = NULL;
		}
		if (b) {
			b[n] = '\0';
			*len = (size_t)n;
		}
	}
	fclose(fp);
	return b;
}

static int same_file(const char *a, const char *b)
{
	size_t la = 0, lb = 0;
	unsigned char *x = slurp(a, &la), *y = slurp(b, &lb);
	int same = x && y && la == lb && memcmp(x, y, la) == 0;

	free(x);
	free(y);
	return same;
}

static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static void empty_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			unlink(path_in(dir, e->d_name));
	closedir(d);
}

/* Fraction of pixels in [x0, x1) x [y0, y1) that are not (near) white. */
static double ink_in(const char *png, int x0, int y0, int x1, int y1)
{
	cairo_surface_t *sf = cairo_image_surface_create_from_png(png);
	const unsigned char *data;
	int w, h, stride, x, y;
	long ink = 0;

	if (cairo_surface_status(sf) != CAIRO_STATUS_SUCCESS) {
		cairo_surface_destroy(sf);
		return -1;
	}
	cairo_surface_flush(sf);
	data = cairo_image_surface_get_data(sf);
	w = cairo_image_surface_get_width(sf);
	h = cairo_image_surface_get_height(sf);
	stride = cairo_image_surface_get_stride(sf);
	x1 = x1 < 0 || x1 > w ? w : x1;
	y1 = y1 < 0 || y1 > h ? h : y1;
	for (y = y0; y < y1; y++)
		for (x = x0; x < x1; x++) {
			uint32_t p = *(const uint32_t *)(data + y * stride +
							 x * 4);

			if ((p & 0xff) < 0xf0 || (p >> 8 & 0xff) < 0xf0 ||
			    (p >> 16 & 0xff) < 0xf0)
				ink++;
		}
	cairo_surface_destroy(sf);
	if (x1 <= x0 || y1 <= y0)
		return 0;
	return (double)ink / ((double)(x1 - x0) * (y1 - y0));
}

static double ink_fraction(const char *png)
{
	return ink_in(png, 0, 0, -1, -1);
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static int setup(void **state)
{
	(void)state;
	strcpy(tmpdir, "/tmp/test_chart.XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	chmod(tmpdir, 0700);
	empty_dir(path_in(tmpdir, "ro"));
	rmdir(path_in(tmpdir, "ro"));
	empty_dir(tmpdir);
	return rmdir(tmpdir);
}

/* Tests. */

static void test_nice_ticks(void **state)
{
	double step, first;
	int count;

	(void)state;
	chart_nice_ticks(0, 1, 6, &step, &first, &count);
	assert_true(fabs(step - 0.2) < 1e-12);
	assert_true(first == 0);
	assert_int_equal(count, 6);

	chart_nice_ticks(0, 1, 5, &step, &first, &count);
	assert_true(fabs(step - 0.25) < 1e-12);
	assert_int_equal(count, 5);

	chart_nice_ticks(0, 1234, 6, &step, &first, &count);
	assert_true(step == 250);
	assert_true(first == 0);
	assert_int_equal(count, 6);

	chart_nice_ticks(0, 1234, 8, &step, &first, &count);
	assert_true(step == 200);
	assert_int_equal(count, 8);   /* 0 .. 1400 */

	chart_nice_ticks(-37, 12, 6, &step, &first, &count);
	assert_true(step == 20);
	assert_true(first == -40);
	assert_int_equal(count, 4);   /* -40 .. 20 */

	chart_nice_ticks(-0.097, -0.007, 6, &step, &first, &count);
	assert_true(fabs(step - 0.02) < 1e-12);
	assert_true(fabs(first + 0.1) < 1e-12);
	assert_int_equal(count, 6);   /* -0.10 .. 0 */

	/* Reversed bounds, an empty range, a non-finite bound. */
	chart_nice_ticks(100, 0, 6, &step, &first, &count);
	assert_true(step == 20 && first == 0 && count == 6);
	chart_nice_ticks(0, 0, 6, &step, &first, &count);
	assert_true(fabs(step - 0.2) < 1e-12 && first == 0 && count == 6);
	chart_nice_ticks(NAN, 5, 6, &step, &first, &count);
	assert_true(fabs(step - 0.2) < 1e-12 && first == 0 && count == 6);

	/* Large counts: the last tick covers the maximum. */
	chart_nice_ticks(0, 58100 + 8200 + 7400 + 2600 + 9000 + 6800, 7,
			 &step, &first, &count);
	assert_true(step == 20000);
	assert_true(first + (count - 1) * step >= 92100);
	assert_int_equal(count, 6);
}

static void check_png(const char *path, int w, int h)
{
	static const unsigned char sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n',
					      0x1a, '\n' };
	size_t len = 0;
	unsigned char *b = slurp(path, &len);
	double ink;

	assert_non_null(b);
	assert_true(len > 33);
	assert_memory_equal(b, sig, 8);
	assert_memory_equal(b + 12, "IHDR", 4);
	assert_int_equal(be32(b + 16), (uint32_t)w);
	assert_int_equal(be32(b + 20), (uint32_t)h);
	free(b);
	ink = ink_fraction(path);
	/* A real chart, not a blank page and not a solid block. */
	assert_true(ink > 0.03);
	assert_true(ink < 0.6);
}

static void test_png_each_kind(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < NFIXTURES; i++) {
		struct chart c = fixtures[i].make();
		char a[256], b[256];

		snprintf(a, sizeof a, "%s/%s.png", tmpdir, fixtures[i].name);
		snprintf(b, sizeof b, "%s/%s-again.PNG", tmpdir,
			 fixtures[i].name);
		assert_int_equal(chart_write_file(&c, a, W, H), DK_OK);
		check_png(a, W, H);
		assert_int_equal(chart_write_file(&c, b, W, H), DK_OK);
		assert_true(same_file(a, b));
	}
	/* Another size scales the same chart. */
	{
		struct chart c = trend_th();
		char *p = path_in(tmpdir, "big.png");

		assert_int_equal(chart_write_file(&c, p, 1800, 1000), DK_OK);
		check_png(p, 1800, 1000);
	}
	empty_dir(tmpdir);
}

static void test_svg_each_kind(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < NFIXTURES; i++) {
		struct chart c = fixtures[i].make();
		char a[256], b[256];
		unsigned char *t;
		size_t len = 0;

		snprintf(a, sizeof a, "%s/%s.svg", tmpdir, fixtures[i].name);
		snprintf(b, sizeof b, "%s/%s-again.svg", tmpdir,
			 fixtures[i].name);
		assert_int_equal(chart_write_file(&c, a, W, H), DK_OK);
		t = slurp(a, &len);
		assert_non_null(t);
		assert_memory_equal(t, "<?xml", 5);
		assert_non_null(strstr((char *)t, "<svg"));
		assert_non_null(strstr((char *)t, "width=\"1000px\""));
		assert_non_null(strstr((char *)t, "height=\"600px\""));
		/* Glyphs are drawn: many glyph symbols, not an empty page. */
		assert_non_null(strstr((char *)t, "glyph"));
		assert_true(len > 20000);
		free(t);
		assert_int_equal(chart_write_file(&c, b, W, H), DK_OK);
		assert_true(same_file(a, b));
	}
	empty_dir(tmpdir);
}

static void test_pdf_each_kind(void **state)
{
	int have_pdftoppm = system("command -v pdftoppm >/dev/null 2>&1") == 0;
	size_t i;

	(void)state;
	for (i = 0; i < NFIXTURES; i++) {
		struct chart c = fixtures[i].make();
		char a[256], cmd[700], prefix[256], png[300];
		unsigned char *t;
		size_t len = 0;

		snprintf(a, sizeof a, "%s/%s.pdf", tmpdir, fixtures[i].name);
		assert_int_equal(chart_write_file(&c, a, 842, 595), DK_OK);
		t = slurp(a, &len);
		assert_non_null(t);
		assert_memory_equal(t, "%PDF", 4);
		assert_true(len > 5000);
		free(t);
		if (!have_pdftoppm)
			continue;
		snprintf(prefix, sizeof prefix, "%s/%s-pdf", tmpdir,
			 fixtures[i].name);
		snprintf(cmd, sizeof cmd, "pdftoppm -png -r 72 -singlefile "
			 "'%s' '%s' 2>/dev/null", a, prefix);
		assert_int_equal(system(cmd), 0);
		snprintf(png, sizeof png, "%s.png", prefix);
		check_png(png, 842, 595);
	}
	empty_dir(tmpdir);
}

/* Topmost row with ink in an A8 surface, or -1. */
static int top_ink_row(cairo_surface_t *sf)
{
	const unsigned char *d;
	int w, h, stride, x, y;

	cairo_surface_flush(sf);
	d = cairo_image_surface_get_data(sf);
	w = cairo_image_surface_get_width(sf);
	h = cairo_image_surface_get_height(sf);
	stride = cairo_image_surface_get_stride(sf);
	for (y = 0; y < h; y++)
		for (x = 0; x < w; x++)
			if (d[y * stride + x] > 0x40)
				return y;
	return -1;
}

struct shaped {
	int top;        /* topmost ink row */
	double width;   /* logical width */
	int unknown;    /* missing glyphs */
};

static struct shaped shape_text(const char *text)
{
	cairo_surface_t *sf = cairo_image_surface_create(CAIRO_FORMAT_A8,
							 240, 200);
	cairo_t *cr = cairo_create(sf);
	PangoLayout *lay = pango_cairo_create_layout(cr);
	PangoFontDescription *fd = pango_font_description_new();
	PangoRectangle lr;
	struct shaped r;

	pango_font_description_set_family(fd, chart_font_family(1));
	pango_font_description_set_absolute_size(fd, 64 * PANGO_SCALE);
	pango_layout_set_font_description(lay, fd);
	pango_layout_set_text(lay, text, -1);
	cairo_move_to(cr, 40, 20);
	pango_cairo_show_layout(cr, lay);
	pango_layout_get_extents(lay, NULL, &lr);
	r.top = top_ink_row(sf);
	r.width = (double)lr.width / PANGO_SCALE;
	r.unknown = pango_layout_get_unknown_glyphs_count(lay);
	pango_font_description_free(fd);
	g_object_unref(lay);
	cairo_destroy(cr);
	cairo_surface_destroy(sf);
	return r;
}

static void test_thai_shaping(void **state)
{
	struct shaped tho = shape_text("ท");
	struct shaped thi = shape_text("ที");
	struct shaped thii = shape_text("ที่");

	(void)state;
	assert_int_equal(thii.unknown, 0);
	assert_int_equal(tho.unknown, 0);
	assert_true(tho.top > 0);
	/* The vowel sits above the consonant, the tone mark above both. */
	assert_true(thi.top < tho.top - 4);
	assert_true(thii.top < thi.top - 2);
	/* Marks take no advance: one cell wide, as the bare consonant. */
	assert_true(fabs(thii.width - tho.width) < 0.5);
	assert_true(tho.width > 10);
}

static void test_font_check(void **state)
{
	(void)state;
	assert_int_equal(chart_font_check(1), DK_OK);
	assert_int_equal(chart_font_check(0), DK_OK);
	assert_non_null(strstr(chart_font_family(1), "Loma"));
}

/*
 * With no fonts at all (an empty fontconfig configuration, in a fresh
 * process since fontconfig reads it once) the check refuses Thai.
 */
static void test_font_check_missing(void **state)
{
	char conf[256], err[256];
	FILE *fp;
	pid_t pid;
	int status;
	size_t len = 0;
	unsigned char *msg;

	(void)state;
	/* Never fork from a child (it would run this test again). */
	assert_null(getenv("TEST_CHART_FONT_CHILD"));
	snprintf(conf, sizeof conf, "%s/empty-fonts.conf", tmpdir);
	snprintf(err, sizeof err, "%s/stderr.txt", tmpdir);
	fp = fopen(conf, "w");
	assert_non_null(fp);
	fputs("<?xml version=\"1.0\"?>\n<fontconfig></fontconfig>\n", fp);
	assert_int_equal(fclose(fp), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (!freopen(err, "w", stderr))
			_exit(99);
		setenv("FONTCONFIG_FILE", conf, 1);
		setenv("TEST_CHART_FONT_CHILD", "1", 1);
		execl("/proc/self/exe", "test_chart", (char *)NULL);
		_exit(98);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), DK_SOFTWARE);
	msg = slurp(err, &len);
	assert_non_null(msg);
	assert_non_null(strstr((char *)msg, "didkpi: no Thai-capable font "
			       "installed"));
	assert_non_null(strstr((char *)msg, "fonts-thai-tlwg"));
	free(msg);
	empty_dir(tmpdir);
}

static void test_no_data(void **state)
{
	static const double none[3] = { NAN, NAN, NAN };
	static const struct chart_series s = { "x", none, NULL, NULL, 0 };
	struct chart c = { .kind = CHART_LINE, .thai = 1,
			   .title = "ไม่มีข้อมูลในช่วงนี้",
			   .categories = months_th, .ncategories = 3,
			   .series = &s, .nseries = 1 };
	struct chart e = { .kind = CHART_STACKED_BAR, .title = "Empty" };
	char *p = path_in(tmpdir, "nodata.png");
	char *q = path_in(tmpdir, "empty.png");

	(void)state;
	assert_int_equal(chart_write_file(&c, p, W, H), DK_OK);
	assert_int_equal(chart_write_file(&e, q, W, H), DK_OK);
	/* The message sits in the middle; data would spread wider. */
	assert_true(ink_in(p, W / 2 - 60, H / 2 - 20, W / 2 + 60,
			   H / 2 + 30) > 0.05);
	assert_true(ink_in(q, W / 2 - 60, H / 2 - 20, W / 2 + 60,
			   H / 2 + 30) > 0.05);
	assert_true(ink_fraction(p) < 0.1);
	empty_dir(tmpdir);
}

static void test_render_invalid(void **state)
{
	cairo_surface_t *sf = cairo_image_surface_create(CAIRO_FORMAT_RGB24,
							 200, 100);
	cairo_t *cr = cairo_create(sf);
	static const struct chart_series s = { "x", NULL, NULL, NULL, 0 };
	struct chart c = trend_th();

	(void)state;
	assert_int_equal(chart_render(NULL, cr, 200, 100), DK_SOFTWARE);
	assert_int_equal(chart_render(&c, NULL, 200, 100), DK_SOFTWARE);
	assert_int_equal(chart_render(&c, cr, 0, 100), DK_SOFTWARE);
	assert_int_equal(chart_render(&c, cr, NAN, 100), DK_SOFTWARE);
	c.kind = (enum chart_kind)42;
	assert_int_equal(chart_render(&c, cr, 200, 100), DK_SOFTWARE);
	c = trend_th();
	c.series = &s;
	c.nseries = 1;
	assert_int_equal(chart_render(&c, cr, 200, 100), DK_SOFTWARE);
	c = trend_th();
	c.categories = NULL;
	assert_int_equal(chart_render(&c, cr, 200, 100), DK_SOFTWARE);
	/* A tiny canvas is cramped but still valid. */
	c = trend_th();
	assert_int_equal(chart_render(&c, cr, 200, 100), DK_OK);
	cairo_destroy(cr);
	cairo_surface_destroy(sf);
}

/* chart_render draws into the caller's transformed context. */
static void test_render_on_context(void **state)
{
	cairo_surface_t *sf = cairo_image_surface_create(CAIRO_FORMAT_ARGB32,
							 1000, 600);
	cairo_t *cr = cairo_create(sf);
	struct chart c = methods_th();
	const unsigned char *d;
	int stride;

	(void)state;
	cairo_scale(cr, 2, 2);
	cairo_set_source_rgb(cr, 1, 0, 0);
	assert_int_equal(chart_render(&c, cr, 500, 300), DK_OK);
	/* The source colour was restored. */
	{
		double r, g, b, a;

		assert_int_equal(cairo_pattern_get_rgba(cairo_get_source(cr),
							&r, &g, &b, &a),
				 CAIRO_STATUS_SUCCESS);
		assert_true(r == 1 && g == 0 && b == 0);
	}
	cairo_surface_flush(sf);
	d = cairo_image_surface_get_data(sf);
	stride = cairo_image_surface_get_stride(sf);
	/* The white background covers the whole scaled area. */
	assert_int_equal(*(const uint32_t *)(d + 599 * stride + 999 * 4),
			 0xffffffffu);
	cairo_destroy(cr);
	cairo_surface_destroy(sf);
}

static void test_write_bad_extension(void **state)
{
	struct chart c = trend_th();

	(void)state;
	assert_int_equal(chart_write_file(&c, path_in(tmpdir, "a.jpg"), W, H),
			 DK_USAGE);
	assert_int_equal(chart_write_file(&c, path_in(tmpdir, "noext"), W, H),
			 DK_USAGE);
	assert_int_equal(chart_write_file(&c, path_in(tmpdir, "d.png/x"), W,
					  H), DK_USAGE);
	assert_int_equal(chart_write_file(&c, "", W, H), DK_USAGE);
	assert_int_equal(chart_write_file(&c, path_in(tmpdir, "a.png"), 0, H),
			 DK_USAGE);
	assert_int_equal(chart_write_file(&c, path_in(tmpdir, "a.png"), W,
					  100000), DK_USAGE);
	assert_int_equal(count_entries(tmpdir), 0);
}

static void test_write_missing_dir(void **state)
{
	struct chart c = trend_th();
	char *p = path_in(tmpdir, "no/such/dir/chart.png");

	(void)state;
	assert_int_equal(chart_write_file(&c, p, W, H), DK_CANTCREAT);
	assert_int_equal(count_entries(tmpdir), 0);
	/* A regular file where a directory should be. */
	{
		FILE *fp = fopen(path_in(tmpdir, "file"), "w");

		assert_non_null(fp);
		fclose(fp);
		assert_int_equal(chart_write_file(&c,
				 path_in(tmpdir, "file/chart.svg"), W, H),
				 DK_CANTCREAT);
		assert_int_equal(count_entries(tmpdir), 1);
		unlink(path_in(tmpdir, "file"));
	}
}

static void test_write_readonly_dir(void **state)
{
	struct chart c = trend_th();
	char *ro = path_in(tmpdir, "ro");

	(void)state;
	assert_int_equal(mkdir(ro, 0755), 0);
	assert_int_equal(chmod(ro, 0555), 0);
	if (access(ro, W_OK) != 0) {
		/* Not root: permissions hold. */
		assert_int_equal(chart_write_file(&c, path_in(ro, "c.png"),
						  W, H), DK_CANTCREAT);
		assert_int_equal(count_entries(ro), 0);
	}
	chmod(ro, 0755);
	rmdir(ro);
	/* Root ignores modes; /proc refuses new files even to root. */
	if (access("/proc/self", F_OK) == 0) {
		assert_int_equal(chart_write_file(&c, "/proc/didkpi-test.pdf",
						  W, H), DK_CANTCREAT);
		assert_int_equal(access("/proc/didkpi-test.pdf", F_OK), -1);
	}
}

static void test_write_replaces(void **state)
{
	struct chart c = channels_th();
	char *dst = path_in(tmpdir, "out.png");
	char *ref = path_in(tmpdir, "ref.png");
	FILE *fp = fopen(dst, "w");
	struct stat sb;
	int i;

	(void)state;
	assert_non_null(fp);
	/* Older and longer than the chart: no tail may survive. */
	for (i = 0; i < 200000; i++)
		fputs("old content ", fp);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(chmod(dst, 0640), 0);
	assert_int_equal(chart_write_file(&c, dst, W, H), DK_OK);
	assert_int_equal(chart_write_file(&c, ref, W, H), DK_OK);
	assert_true(same_file(dst, ref));
	check_png(dst, W, H);
	assert_int_equal(stat(dst, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0640);
	/* Nothing else was left behind. */
	assert_int_equal(count_entries(tmpdir), 2);
	empty_dir(tmpdir);
}

static void test_write_failure_keeps_old(void **state)
{
	struct chart c = trend_th();
	char *dst = path_in(tmpdir, "keep.svg");
	FILE *fp = fopen(dst, "w");
	size_t len = 0;
	unsigned char *t;

	(void)state;
	assert_non_null(fp);
	fputs("previous chart", fp);
	assert_int_equal(fclose(fp), 0);
	c.kind = (enum chart_kind)42;   /* rendering fails */
	assert_int_equal(chart_write_file(&c, dst, W, H), DK_SOFTWARE);
	t = slurp(dst, &len);
	assert_non_null(t);
	assert_string_equal((char *)t, "previous chart");
	free(t);
	assert_int_equal(count_entries(tmpdir), 1);
	empty_dir(tmpdir);
}

/* Many markers in one place and long labels still render. */
static void test_crowded_markers(void **state)
{
	static struct chart_marker many[20];
	static char labels[20][128];
	struct chart c = trend_th();
	char *p = path_in(tmpdir, "crowded.png");
	int i;

	(void)state;
	for (i = 0; i < 20; i++) {
		snprintf(labels[i], sizeof labels[i],
			 "บริการที่ %d ขึ้นทะเบียนผู้รับการฝึก", i + 1);
		many[i].position = i < 8 ? 5.0 : (i - 8) * 0.9;
		many[i].label = labels[i];
	}
	c.markers = many;
	c.nmarkers = 20;
	assert_int_equal(chart_write_file(&c, p, W, H), DK_OK);
	check_png(p, W, H);
	empty_dir(tmpdir);
}

static void test_review_files(void **state)
{
	static const char *const names[] = {
		"trend-th", "compare-th", "methods-th", "channels-th",
		"trend-en", "change-th"
	};
	const char *dir = getenv("DIDKPI_CHART_REVIEW_DIR");
	size_t i, j;

	(void)state;
	if (!dir || !*dir)
		skip();
	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		for (j = 0; j < NFIXTURES; j++) {
			struct chart c = fixtures[j].make();
			char p[512];

			if (strcmp(fixtures[j].name, names[i]))
				continue;
			snprintf(p, sizeof p, "%s/%s.png", dir, names[i]);
			assert_int_equal(chart_write_file(&c, p, 1200, 700),
					 DK_OK);
		}
}


/*
 * Nineteen long service names on a 1200 px picture (the demo's
 * before/after chart) slant, and the longest wrap onto two or three lines
 * instead of being cut with "…" (said on stderr with log_verbose; the PDF's
 * text cannot tell, as cairo maps an ellipsis to the text it hides). A name
 * longer than three lines hold is still cut.
 */
static const char *const long_names[19] = {
	"รวม 10 บริการ",
	"สมัครสมาชิกระบบบริการอิเล็กทรอนิกส์ กพร.",
	"ฝึกอบรมออนไลน์ (DSD e-Learning)",
	"ฝึกอบรมยกระดับฝีมือแรงงาน",
	"ทดสอบมาตรฐานฝีมือแรงงานแห่งชาติ",
	"ฝึกเตรียมเข้าทำงาน",
	"กู้ยืมเงินกองทุนพัฒนาฝีมือแรงงาน",
	"หนังสือรับรองความรู้ความสามารถ",
	"ยื่นแบบและนำส่งเงินสมทบกองทุนพัฒนาฝีมือแรงงาน",
	"ฝึกอบรมเสริมทักษะ (Reskill)",
	"การรับรองหลักสูตรของสถานประกอบกิจการ",
	"ขอหนังสือรับรองผลการทดสอบมาตรฐานฝีมือแรงงาน",
	"ต่ออายุหนังสือรับรองความรู้ความสามารถ",
	"ประเมินความรู้ความสามารถสาขาอาชีพควบคุม",
	"ขึ้นทะเบียนผู้ทดสอบฝีมือแรงงาน",
	"สิทธิประโยชน์ทางภาษีสำหรับค่าใช้จ่ายในการฝึกอบรม",
	"การรับรองศูนย์ทดสอบฝีมือแรงงาน",
	"แจ้งผลการพัฒนาฝีมือแรงงานของสถานประกอบกิจการ",
	"การรับรองเป็นผู้ดำเนินการฝึกอบรม",
};

/* The PNG bytes of pngout_render(). */
struct mem {
	unsigned char *p;
	size_t n;
};

static cairo_status_t mem_write(void *closure, const unsigned char *data, unsigned int len)
{
	struct mem *m = closure;
	unsigned char *p = realloc(m->p, m->n + len);

	if (!p)
		return CAIRO_STATUS_NO_MEMORY;
	memcpy(p + m->n, data, len);
	m->p = p;
	m->n += len;
	return CAIRO_STATUS_SUCCESS;
}

/* A chart drawn w x h through pngout_render() (struct strip_chart). */
struct strip_chart {
	const struct chart *c;
	int w, h;
};

static int strip_chart_draw(cairo_t *cr, void *arg)
{
	const struct strip_chart *sc = arg;

	return chart_render(sc->c, cr, sc->w, sc->h);
}

/* What drawing c says on stderr with log_verbose, as a string (the caller
 * frees it): through chart_write_file() into path, or with path NULL in
 * strips at twice the size, as a workbook's pictures are drawn. */
static char *verbose_render(const struct chart *c, const char *path, int w, int h)
{
	char *err = path_in(tmpdir, "stderr.txt");
	struct strip_chart sc = { c, w, h };
	struct mem png = { NULL, 0 };
	unsigned char *msg;
	size_t len = 0;
	int saved, fd, st = -1;

	fflush(stderr);
	saved = dup(2);
	fd = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(saved >= 0 && fd >= 0);
	dup2(fd, 2);
	close(fd);
	log_verbose = 1;
	if (path)
		assert_int_equal(chart_write_file(c, path, w, h), DK_OK);
	else
		assert_int_equal(pngout_render(2 * w, 2 * h, 2, strip_chart_draw, &sc, &st,
					       mem_write, &png), CAIRO_STATUS_SUCCESS);
	log_verbose = 0;
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	assert_true(path || st == 0);
	free(png.p);
	msg = slurp(err, &len);
	assert_non_null(msg);
	return (char *)msg;
}

/* The before/after chart of the 19 long service names. */
static struct chart long_chart(void)
{
	static double before[19], after[19];
	static const struct chart_series series[] = {
		{ "ก่อนใช้ Digital ID (6 เดือน)", before, NULL, NULL, 0 },
		{ "หลังใช้ Digital ID (6 เดือน)", after, NULL, NULL, 1 },
	};
	struct chart c = {
		.kind = CHART_GROUPED_BAR, .thai = 1,
		.title = "อัตราการใช้บริการดิจิทัล ก่อนและหลังใช้ Digital ID",
		.categories = long_names, .ncategories = 19,
		.series = series, .nseries = 2,
		.format = CHART_FMT_PERCENT,
	};

	for (int i = 0; i < 19; i++) {
		before[i] = 0.2 + 0.02 * i;
		after[i] = 0.5 + 0.02 * i;
	}
	return c;
}

static void test_long_labels_wrap(void **state)
{
	struct chart c = long_chart();
	char want[1400], *msg;
	int i;

	(void)state;
	msg = verbose_render(&c, path_in(tmpdir, "long.png"), 1200, 700);
	assert_null(strstr(msg, "cut with"));
	/* the longest names, at both ends of the axis, wrapped */
	for (i = 0; i < 19; i++) {
		if (i != 1 && i != 8 && i != 15 && i != 17)
			continue;
		snprintf(want, sizeof want, "didkpi: chart: category label on 2 lines: %s\n",
			 long_names[i]);
		if (!strstr(msg, want))
			fail_msg("not wrapped: %s\n%s", long_names[i], msg);
	}
	/* a short name stays on one line */
	assert_null(strstr(msg, "lines: ฝึกเตรียมเข้าทำงาน\n"));
	free(msg);

	/* a name longer than the lines can hold is still cut, it alone */
	{
		static const char *names[19];
		char huge[1024];

		snprintf(huge, sizeof huge, "%s %s %s %s", long_names[15], long_names[17],
			 long_names[8], long_names[11]);
		memcpy(names, long_names, sizeof names);
		names[9] = huge;
		c.categories = names;
		msg = verbose_render(&c, path_in(tmpdir, "huge.png"), 1200, 700);
		snprintf(want, sizeof want, "didkpi: chart: category label cut with \"…\": %s\n",
			 huge);
		if (!strstr(msg, want))
			fail_msg("not cut: %s\n%s", huge, msg);
		assert_int_equal(strstr(strstr(msg, "cut with") + 1, "cut with") == NULL, 1);
		free(msg);
	}
	empty_dir(tmpdir);
}

/* ---- lib/chartspec.c: what each chart shows ---- */

/* FY2568's months as periods. */
static struct period *fy_months(size_t *n)
{
	struct period fy, *m = NULL;

	assert_int_equal(period_parse("FY2568", (struct civil_date){ 2025, 11, 1 }, &fy, NULL, 0), 0);
	assert_int_equal(period_split(&fy, INTERVAL_MONTH, &m, n), 0);
	assert_int_equal(*n, 12);
	return m;
}

/* The trend: the target line steps with the target in force and its label
 * says since when; markers sit at the adoption day; the caller's values
 * are copied, not changed. */
static void test_spec_trend(void **state)
{
	size_t n, i;
	struct period *m = fy_months(&n), fy = period_range(m[0].start, m[11].end);
	double vals[12], tgt[12];
	struct chartdata_series ser = { .values = vals };
	struct chartdata data = { .nmonths = 12, .series = &ser, .nseries = 1, .target = tgt };
	struct chartdata_service svc = { .code = "s_a", .name_th = "บริการ ก", .name_en = "Service A",
					 .has_since = 1, .since = { 2025, 1, 16 } };
	struct chartdata_services mk = { &svc, 1 };
	struct chartspec_ctx ctx = { .thai = 0, .today = { 2025, 11, 27 } };
	struct chartspec_trend in = { .kpi = KPI_DIGITAL_CHANNEL_RATE, .period = &fy, .months = m,
				      .nmonths = n, .interval = INTERVAL_MONTH, .data = &data,
				      .markers = &mk };
	struct chartspec *cs = NULL;

	(void)state;
	for (i = 0; i < 12; i++) {
		vals[i] = 0.3 + 0.01 * (double)i;
		tgt[i] = i < 3 ? 0.5 : 0.6;
	}
	assert_int_equal(chartspec_trend(&ctx, &in, &cs), DK_OK);
	assert_non_null(cs);
	assert_int_equal(cs->empty, 0);
	assert_int_equal(cs->chart.kind, CHART_LINE);
	assert_int_equal(cs->chart.format, CHART_FMT_PERCENT);
	assert_int_equal(cs->chart.ncategories, 12);
	assert_string_equal(cs->chart.categories[0], "Oct 24");
	assert_string_equal(cs->cat_keys[11], "2025-09");
	assert_string_equal(cs->series_keys[0], "all");
	assert_string_equal(cs->chart.series[0].name, "All services");
	assert_true(cs->chart.series[0].values != vals);
	assert_true(cs->chart.has_target);
	assert_true(cs->chart.target == 0.6);
	assert_true(cs->chart.targets[0] == 0.5);
	assert_string_equal(cs->chart.target_label, "Target 60% (from Jan 25)");
	assert_int_equal(cs->chart.nmarkers, 1);
	/* 16 Jan is day 15 of 31 of month 3: 3 - 0.5 + 15/31 */
	assert_true(fabs(cs->chart.markers[0].position - (2.5 + 15.0 / 31)) < 1e-9);
	assert_string_equal(cs->chart.markers[0].label, "Service A");
	assert_non_null(strstr(cs->chart.subtitle, "dashed lines"));
	assert_non_null(strstr(cs->chart.source, "data as of 27 Nov 2025"));
	assert_non_null(strstr(cs->alt, "Digital service usage rate"));
	chartspec_free(cs);

	/* all missing: an explicit "no data" chart; the caller's title wins */
	for (i = 0; i < 12; i++)
		vals[i] = NAN;
	ctx.thai = 1;
	ctx.title = "ชื่อของผู้เรียก";
	assert_int_equal(chartspec_trend(&ctx, &in, &cs), DK_OK);
	assert_int_equal(cs->empty, 1);
	assert_string_equal(cs->chart.title, "ชื่อของผู้เรียก");
	assert_string_equal(cs->chart.categories[0], "ต.ค. 67");
	assert_string_equal(cs->chart.target_label, "เป้าหมาย 60% (ตั้งแต่ ม.ค. 68)");
	chartspec_free(cs);

	/* no months: a titled "no data" chart without data */
	in.nmonths = 0;
	in.data = NULL;
	ctx.title = NULL;
	assert_int_equal(chartspec_trend(&ctx, &in, &cs), DK_OK);
	assert_int_equal(cs->empty, 1);
	assert_string_equal(cs->chart.title, "อัตราการใช้บริการดิจิทัล");
	assert_int_equal(cs->chart.ncategories, 0);
	chartspec_free(cs);
	chartspec_free(NULL);
	free(m);
}

/* The mix: unused methods leave the legend but one Digital ID entry stays;
 * a month with nothing counted is missing, not zero. */
static void test_spec_mix(void **state)
{
	size_t n;
	struct period *m = fy_months(&n), fy = period_range(m[0].start, m[11].end);
	double pw[12] = { 0 }, thaid[12] = { 0 }, face[12] = { 0 };
	struct chartdata_series ser[3] = {
		{ .code = "thaid", .name_th = "ไทยดี", .name_en = "ThaiD", .digital = 1, .values = thaid },
		{ .code = "face", .name_th = "ใบหน้า", .name_en = "Face", .digital = 1, .values = face },
		{ .code = "password", .name_th = "รหัสผ่าน", .name_en = "Password", .values = pw },
	};
	struct chartdata data = { .nmonths = 12, .series = ser, .nseries = 3 };
	struct chartspec_ctx ctx = { .thai = 0, .today = { 2025, 11, 27 } };
	struct chartspec_mix in = { .methods = 1, .share = 1, .period = &fy, .months = m,
				    .nmonths = n, .interval = INTERVAL_MONTH, .data = &data };
	struct chartspec *cs = NULL;

	(void)state;
	for (size_t i = 1; i < 12; i++)
		pw[i] = 10;
	ser[2].total = data.total = 110;
	assert_int_equal(chartspec_mix(&ctx, &in, &cs), DK_OK);
	assert_int_equal(cs->empty, 0);
	assert_int_equal(cs->chart.kind, CHART_STACKED_BAR);
	assert_int_equal(cs->chart.nseries, 2);
	assert_string_equal(cs->series_keys[0], "thaid");
	assert_string_equal(cs->series_keys[1], "password");
	assert_true(cs->chart.series[0].emphasis && !cs->chart.series[1].emphasis);
	assert_true(isnan(cs->chart.series[1].values[0]));
	assert_true(cs->chart.series[1].values[1] == 10);
	assert_true(pw[0] == 0); /* the caller's data is untouched */
	assert_true(cs->chart.stacked_share);
	assert_non_null(strstr(cs->chart.title, "share"));
	chartspec_free(cs);
	free(m);
}

/* Before/after: the pooled row first, then by adoption day; whiskers from
 * the before level; skipped services "no data", or left out on request. */
static void test_spec_compare(void **state)
{
	struct compare_row rows[4];
	struct compare_result res = { .rows = rows, .nrows = 4 };
	struct chartspec_ctx ctx = { .thai = 0, .today = { 2025, 11, 27 } };
	struct chartspec_compare in = { .metric = CMP_DIGITAL_CHANNEL_RATE, .result = &res,
					.window_months = 6 };
	struct chartspec *cs = NULL;

	(void)state;
	memset(rows, 0, sizeof(rows));
	rows[0] = (struct compare_row){ .service_code = "all", .pooled = 1, .pooled_services = 2,
		.metric = CMP_DIGITAL_CHANNEL_RATE, .before = { 1, 0.4 }, .after = { 1, 0.8 },
		.ci_low = { 1, 0.3 }, .ci_high = { 1, 0.5 } };
	rows[1] = (struct compare_row){ .service_code = "s_b", .name_en = "Service B",
		.metric = CMP_DIGITAL_CHANNEL_RATE, .has_dates = 1, .adopted = { 2025, 3, 1 },
		.before = { 1, 0.4 }, .after = { 1, 0.8 } };
	rows[2] = (struct compare_row){ .service_code = "s_a", .name_en = "Service A",
		.metric = CMP_DIGITAL_CHANNEL_RATE, .has_dates = 1, .adopted = { 2025, 1, 15 },
		.before = { 1, 0.2 }, .after = { 1, 0.6 }, .ci_low = { 1, 0.1 }, .ci_high = { 1, 0.7 } };
	rows[3] = (struct compare_row){ .service_code = "s_c", .name_en = "Service C",
		.metric = CMP_DIGITAL_CHANNEL_RATE, .has_dates = 1, .adopted = { 2025, 8, 1 },
		.skip = "after-window not complete" };
	assert_int_equal(chartspec_compare(&ctx, &in, &cs), DK_OK);
	assert_int_equal(cs->chart.kind, CHART_GROUPED_BAR);
	assert_int_equal(cs->chart.ncategories, 4);
	assert_string_equal(cs->cat_keys[0], "all");
	assert_string_equal(cs->cat_keys[1], "s_a");
	assert_string_equal(cs->cat_keys[2], "s_b");
	assert_string_equal(cs->cat_keys[3], "s_c");
	assert_string_equal(cs->chart.categories[0], "2 services pooled");
	assert_true(fabs(cs->chart.series[1].ci_low[1] - 0.3) < 1e-12);
	assert_true(fabs(cs->chart.series[1].ci_high[1] - 0.9) < 1e-12);
	assert_true(isnan(cs->chart.series[0].values[3]));
	assert_non_null(strstr(cs->chart.subtitle, "n/a"));
	assert_int_equal(cs->empty, 0);
	chartspec_free(cs);

	in.omit_skipped = 1;
	assert_int_equal(chartspec_compare(&ctx, &in, &cs), DK_OK);
	assert_int_equal(cs->chart.ncategories, 3);
	assert_null(strstr(cs->chart.subtitle, "n/a"));
	chartspec_free(cs);

	/* only skipped services: empty */
	res.rows = rows + 3;
	res.nrows = 1;
	in.omit_skipped = 0;
	assert_int_equal(chartspec_compare(&ctx, &in, &cs), DK_OK);
	assert_int_equal(cs->empty, 1);
	chartspec_free(cs);
	in.result = NULL;
	assert_int_equal(chartspec_compare(&ctx, &in, &cs), DK_OK);
	assert_int_equal(cs->empty, 1);
	assert_int_equal(cs->chart.ncategories, 0);
	chartspec_free(cs);
}

/* pngout_render(): a picture drawn in strips is, byte for byte, the PNG of
 * one surface of it; a drawing that fails stops it with its status. */
static int strip_calls;

static int strip_draw(cairo_t *cr, void *arg)
{
	PangoLayout *l;

	(void)arg;
	strip_calls++;
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	for (int i = 0; i < 40; i++) {   /* antialiased lines crossing strips */
		cairo_set_source_rgba(cr, i / 40.0, 0.3, 1 - i / 40.0, 0.7);
		cairo_set_line_width(cr, 0.5 + i * 0.1);
		cairo_move_to(cr, 3.3 * i, 0.7);
		cairo_line_to(cr, 599.1 - 2.7 * i, 749.3);
		cairo_stroke(cr);
	}
	cairo_arc(cr, 300.5, 375.25, 200.3, 0, 6.283);
	cairo_set_source_rgba(cr, 0.1, 0.6, 0.2, 0.4);
	cairo_fill(cr);
	l = pango_cairo_create_layout(cr);
	pango_layout_set_text(l, "ร้อยละ 95 ของคำขอ", -1);
	for (int y = 0; y < 740; y += 37) {
		cairo_move_to(cr, 20.25 + y / 10.0, y + 0.5);
		cairo_set_source_rgb(cr, 0, 0, 0);
		pango_cairo_show_layout(cr, l);
	}
	g_object_unref(l);
	return arg ? 70 : 0;
}

static void test_png_strips(void **state)
{
	struct mem whole = { NULL, 0 }, strips = { NULL, 0 };
	cairo_surface_t *sf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 1200, 1500);
	cairo_t *cr = cairo_create(sf);
	int st = -1;

	(void)state;
	cairo_scale(cr, 2, 2);
	assert_int_equal(strip_draw(cr, NULL), 0);
	cairo_destroy(cr);
	assert_int_equal(pngout_write(sf, mem_write, &whole), CAIRO_STATUS_SUCCESS);
	cairo_surface_destroy(sf);
	strip_calls = 0;
	assert_int_equal(pngout_render(1200, 1500, 2, strip_draw, NULL, &st, mem_write, &strips),
			 CAIRO_STATUS_SUCCESS);
	assert_int_equal(st, 0);
	/* an RGB PNG: colour type 2 in the header (byte 25) */
	assert_true(strips.n > 26 && strips.p[25] == 2);
	/* 1500 rows of 4800 bytes in strips of 2 MiB: 4 strips */
	assert_int_equal(strip_calls, (1500 + (int)(PNGOUT_STRIP_BYTES / 4800) - 1) /
				      (int)(PNGOUT_STRIP_BYTES / 4800));
	assert_true(strip_calls > 1);
	assert_int_equal(strips.n, whole.n);
	assert_memory_equal(strips.p, whole.p, whole.n);
	free(strips.p);
	strips.p = NULL;
	strips.n = 0;
	/* a failing drawing: its status, no success */
	assert_int_not_equal(pngout_render(1200, 1500, 2, strip_draw, &st, &st, mem_write, &strips),
			     CAIRO_STATUS_SUCCESS);
	assert_int_equal(st, 70);
	free(strips.p);
	free(whole.p);
}

/* A picture drawn in strips (as the workbook draws it) says on -v which
 * labels it wrapped once each, not once per strip. */
static void test_strips_say_once(void **state)
{
	struct chart c = long_chart();
	char want[1400], *msg, *at;
	int said = 0;

	(void)state;
	/* 700 rows at twice the size, in strips of PNGOUT_STRIP_BYTES */
	assert_true(1400 > (int)(PNGOUT_STRIP_BYTES / (2400 * 4)));
	msg = verbose_render(&c, NULL, 1200, 700);
	for (int i = 0; i < 19; i++) {
		snprintf(want, sizeof want, "didkpi: chart: category label on 2 lines: %s\n",
			 long_names[i]);
		if (!(at = strstr(msg, want)))
			continue;
		said++;
		if (strstr(at + 1, want))
			fail_msg("said more than once: %s\n%s", long_names[i], msg);
	}
	assert_true(said >= 4);
	free(msg);
	empty_dir(tmpdir);
}

int main(void)
{
	/* The re-executed child of test_font_check_missing: only the check. */
	if (getenv("TEST_CHART_FONT_CHILD"))
		return chart_font_check(1);

	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nice_ticks),
		cmocka_unit_test(test_png_each_kind),
		cmocka_unit_test(test_svg_each_kind),
		cmocka_unit_test(test_pdf_each_kind),
		cmocka_unit_test(test_thai_shaping),
		cmocka_unit_test(test_font_check),
		cmocka_unit_test(test_font_check_missing),
		cmocka_unit_test(test_no_data),
		cmocka_unit_test(test_render_invalid),
		cmocka_unit_test(test_render_on_context),
		cmocka_unit_test(test_write_bad_extension),
		cmocka_unit_test(test_write_missing_dir),
		cmocka_unit_test(test_write_readonly_dir),
		cmocka_unit_test(test_write_replaces),
		cmocka_unit_test(test_write_failure_keeps_old),
		cmocka_unit_test(test_crowded_markers),
		cmocka_unit_test(test_review_files),
		cmocka_unit_test(test_long_labels_wrap),
		cmocka_unit_test(test_spec_trend),
		cmocka_unit_test(test_spec_mix),
		cmocka_unit_test(test_spec_compare),
		cmocka_unit_test(test_png_strips),
		cmocka_unit_test(test_strips_say_once),
	};
	int failed = cmocka_run_group_tests(tests, setup, teardown);

	chart_fonts_release();
	return failed;
}
