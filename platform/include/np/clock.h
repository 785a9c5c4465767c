/* libnp: monotonic time and sleeping. */
#ifndef NP_CLOCK_H
#define NP_CLOCK_H

#include <stdint.h>
#include "export.h"

NP_BEGIN_DECLS

/* Milliseconds on a monotonic clock (never goes back; unrelated to wall time). */
NP_API int64_t np_now_ms(void);
/* Microseconds on the same clock, for measurements. */
NP_API int64_t np_now_us(void);
/* Wall-clock time: milliseconds since 1970-01-01 UTC (may jump when the
 * system clock is set; use np_now_ms for intervals). */
NP_API int64_t np_wall_ms(void);
/* Sleep at least ms milliseconds (signals do not cut it short). */
NP_API void np_sleep_ms(int64_t ms);

NP_END_DECLS

#endif /* NP_CLOCK_H */
