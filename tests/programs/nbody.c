/*
 * N-body simulation of the Jovian planets, in double and in float.
 *
 * The computer-language-benchmarks-game model: the Sun and four planets,
 * symplectic Euler steps of 0.01 years, SIZE steps. The double simulation
 * must start at the known energy -0.169075164 and conserve energy to
 * 1e-4; the same simulation in single precision (structs of floats, sqrtf)
 * must stay within 1e-3 of the double result. Everything is plain IEEE
 * arithmetic in a fixed order plus the correctly rounded sqrt, so the
 * printed values are bit-for-bit the same on every conforming target.
 * It exercises f64 and f32 add/mul/div/sqrt, conversions between them,
 * struct arrays walked by pointers, and printf of %.9f.
 */
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "prog.h"

#define PI 3.141592653589793
#define SOLAR_MASS (4 * PI * PI)
#define DAYS_PER_YEAR 365.24
#define NBODIES 5

typedef struct {
    double x, y, z, vx, vy, vz, mass;
} body_t;

typedef struct {
    float x, y, z, vx, vy, vz, mass;
} bodyf_t;

static const body_t initial[NBODIES] = {
    {0, 0, 0, 0, 0, 0, SOLAR_MASS},
    {4.84143144246472090e+00, -1.16032004402742839e+00, -1.03622044471123109e-01,
     1.66007664274403694e-03 * DAYS_PER_YEAR, 7.69901118419740425e-03 * DAYS_PER_YEAR,
     -6.90460016972063023e-05 * DAYS_PER_YEAR, 9.54791938424326609e-04 * SOLAR_MASS},
    {8.34336671824457987e+00, 4.12479856412430479e+00, -4.03523417114321381e-01,
     -2.76742510726862411e-03 * DAYS_PER_YEAR, 4.99852801234917238e-03 * DAYS_PER_YEAR,
     2.30417297573763929e-05 * DAYS_PER_YEAR, 2.85885980666130812e-04 * SOLAR_MASS},
    {1.28943695621391310e+01, -1.51111514016986312e+01, -2.23307578892655734e-01,
     2.96460137564761618e-03 * DAYS_PER_YEAR, 2.37847173959480950e-03 * DAYS_PER_YEAR,
     -2.96589568540237556e-05 * DAYS_PER_YEAR, 4.36624404335156298e-05 * SOLAR_MASS},
    {1.53796971148509165e+01, -2.59193146099879641e+01, 1.79258772950371181e-01,
     2.68067772490389322e-03 * DAYS_PER_YEAR, 1.62824170038242295e-03 * DAYS_PER_YEAR,
     -9.51592254519715870e-05 * DAYS_PER_YEAR, 5.15138902046611451e-05 * SOLAR_MASS},
};

static void offset_momentum(body_t *b, int n)
{
    double px = 0, py = 0, pz = 0;

    for (int i = 0; i < n; i++) {
        px += b[i].vx * b[i].mass;
        py += b[i].vy * b[i].mass;
        pz += b[i].vz * b[i].mass;
    }
    b[0].vx = -px / SOLAR_MASS;
    b[0].vy = -py / SOLAR_MASS;
    b[0].vz = -pz / SOLAR_MASS;
}

static double energy(const body_t *b, int n)
{
    double e = 0;

    for (int i = 0; i < n; i++) {
        e += 0.5 * b[i].mass * (b[i].vx * b[i].vx + b[i].vy * b[i].vy + b[i].vz * b[i].vz);
        for (int j = i + 1; j < n; j++) {
            double dx = b[i].x - b[j].x, dy = b[i].y - b[j].y, dz = b[i].z - b[j].z;
            e -= b[i].mass * b[j].mass / sqrt(dx * dx + dy * dy + dz * dz);
        }
    }
    return e;
}

static void advance(body_t *b, int n, double dt)
{
    for (body_t *p = b; p < b + n; p++) {
        for (body_t *q = p + 1; q < b + n; q++) {
            double dx = p->x - q->x, dy = p->y - q->y, dz = p->z - q->z;
            double d2 = dx * dx + dy * dy + dz * dz;
            double mag = dt / (d2 * sqrt(d2));
            p->vx -= dx * q->mass * mag;
            p->vy -= dy * q->mass * mag;
            p->vz -= dz * q->mass * mag;
            q->vx += dx * p->mass * mag;
            q->vy += dy * p->mass * mag;
            q->vz += dz * p->mass * mag;
        }
    }
    for (body_t *p = b; p < b + n; p++) {
        p->x += dt * p->vx;
        p->y += dt * p->vy;
        p->z += dt * p->vz;
    }
}

static void advancef(bodyf_t *b, int n, float dt)
{
    for (int i = 0; i < n; i++) {
        for (int j = i + 1; j < n; j++) {
            float dx = b[i].x - b[j].x, dy = b[i].y - b[j].y, dz = b[i].z - b[j].z;
            float d2 = dx * dx + dy * dy + dz * dz;
            float mag = dt / (d2 * sqrtf(d2));
            b[i].vx -= dx * b[j].mass * mag;
            b[i].vy -= dy * b[j].mass * mag;
            b[i].vz -= dz * b[j].mass * mag;
            b[j].vx += dx * b[i].mass * mag;
            b[j].vy += dy * b[i].mass * mag;
            b[j].vz += dz * b[i].mass * mag;
        }
    }
    for (int i = 0; i < n; i++) {
        b[i].x += dt * b[i].vx;
        b[i].y += dt * b[i].vy;
        b[i].z += dt * b[i].vz;
    }
}

int main(int argc, char **argv)
{
    uint32_t steps = parse_size(argc, argv, 20000, 100000000);
    body_t b[NBODIES];
    bodyf_t bf[NBODIES];
    double e0, e1, ef, maxdev = 0;
    int bad = 0;

    for (int i = 0; i < NBODIES; i++)
        b[i] = initial[i];
    offset_momentum(b, NBODIES);
    for (int i = 0; i < NBODIES; i++) {
        bf[i] = (bodyf_t){(float)b[i].x, (float)b[i].y, (float)b[i].z, (float)b[i].vx,
                          (float)b[i].vy, (float)b[i].vz, (float)b[i].mass};
    }
    e0 = energy(b, NBODIES);
    printf("%.9f\n", e0);
    for (uint32_t s = 0; s < steps; s++) {
        advance(b, NBODIES, 0.01);
        advancef(bf, NBODIES, 0.01f);
        if (s % 1000 == 999) { /* how far Jupiter drifts apart in the two precisions */
            double dev = fabs(b[1].x - bf[1].x) + fabs(b[1].y - bf[1].y);
            maxdev = dev > maxdev ? dev : maxdev;
        }
    }
    e1 = energy(b, NBODIES);
    printf("%.9f\n", e1);
    for (int i = 0; i < NBODIES; i++) {
        b[i] = (body_t){bf[i].x, bf[i].y, bf[i].z, bf[i].vx, bf[i].vy, bf[i].vz, bf[i].mass};
    }
    ef = energy(b, NBODIES);
    printf("float %.5f jupiter drift %.3e\n", ef, maxdev);
    if (fabs(e0 + 0.169075164) > 5e-10) {
        fprintf(stderr, "initial energy %.9f, want -0.169075164\n", e0);
        bad = 1;
    }
    if (fabs(e1 - e0) > 1e-4 || fabs(ef - e1) > 1e-3) {
        fprintf(stderr, "energy not conserved: %.9f %.9f %.9f\n", e0, e1, ef);
        bad = 1;
    }
    return bad;
}
